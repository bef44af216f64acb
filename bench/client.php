<?php
// PHP baseline of the per-request benchmark: Guzzle 7 (the HTTP stack of Apilo's official PHP
// client) with one reused Client, so requests share a kept-alive connection through its curl
// handler, and bodies decoded to arrays with json_decode, as that client does.
//
//   php client.php list BASE_URL N
//   php client.php get  BASE_URL N IDS_FILE
//
// Token from APILO_BENCH_TOKEN. Prints the same JSON result line as the C programs.
require '/usr/share/php/GuzzleHttp/autoload.php';
require __DIR__ . '/measure.php';

[$mode, $base, $n] = [$argv[1], $argv[2], (int)$argv[3]];
$ids = $mode === 'get' ? file($argv[4], FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) : [];
$client = new GuzzleHttp\Client([
    'base_uri' => $base,
    'headers' => [
        'Accept' => 'application/json',
        'Content-Type' => 'application/json',
        'Authorization' => 'Bearer ' . getenv('APILO_BENCH_TOKEN'),
    ],
]);

$units = 0;
for ($i = -1; $i < $n; $i++) {
    if ($i === 0) {
        // The first request (connection, class loading) is a warm-up, as in every client.
        [$t0, $c0] = [hrtime(true), cpu_seconds()];
    }
    if ($mode === 'list') {
        $response = $client->get('/rest/api/orders/', ['query' => ['limit' => 512]]);
        $page = json_decode((string)$response->getBody(), true, 512, JSON_THROW_ON_ERROR);
        $got = count($page['orders']);
    } else {
        $id = $ids[max($i, 0) % count($ids)];
        $response = $client->get("/rest/api/orders/$id/");
        $order = json_decode((string)$response->getBody(), true, 512, JSON_THROW_ON_ERROR);
        $got = count($order['orderItems'] ?? []);
    }
    if ($i >= 0) {
        $units += $got;
    }
}
print_result($mode, $n, (hrtime(true) - $t0) / 1e9, cpu_seconds() - $c0, $units);

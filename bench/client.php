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

// VmHWM: this process's own peak since exec (ru_maxrss would inherit the driver's peak).
function peak_rss_kb(): int
{
    preg_match('/^VmHWM:\s+(\d+)/m', file_get_contents('/proc/self/status'), $m);
    return (int)$m[1];
}

function cpu_seconds(): float
{
    $ru = getrusage();
    return $ru['ru_utime.tv_sec'] + $ru['ru_utime.tv_usec'] / 1e6
        + $ru['ru_stime.tv_sec'] + $ru['ru_stime.tv_usec'] / 1e6;
}

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
$wall = (hrtime(true) - $t0) / 1e9;
$cpu = cpu_seconds() - $c0;
printf("{\"client\": \"php\", \"mode\": \"%s\", \"n\": %d, \"wall_s\": %.6f, \"cpu_s\": %.6f, "
    . "\"maxrss_kb\": %d, \"units\": %d}\n", $mode, $n, $wall, $cpu, peak_rss_kb(),
    $units);

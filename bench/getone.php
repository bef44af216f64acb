<?php
// Cold-start baseline: one process, one GET /rest/api/orders/{id}/ with Guzzle, decoded and
// printed, as `apilo orders get ID` does. Env APILO_BASE_URL and APILO_BENCH_TOKEN.
//
//   php getone.php ORDER_ID
require '/usr/share/php/GuzzleHttp/autoload.php';

$client = new GuzzleHttp\Client([
    'base_uri' => getenv('APILO_BASE_URL'),
    'headers' => [
        'Accept' => 'application/json',
        'Content-Type' => 'application/json',
        'Authorization' => 'Bearer ' . getenv('APILO_BENCH_TOKEN'),
    ],
]);
$response = $client->get('/rest/api/orders/' . $argv[1] . '/');
$order = json_decode((string)$response->getBody(), true, 512, JSON_THROW_ON_ERROR);
echo json_encode($order, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";

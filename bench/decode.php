<?php
// PHP side of the decode benchmark: json_decode of one list page to plain arrays, ITERS times.
//
//   php decode.php PAGE_FILE ITERS
require __DIR__ . '/measure.php';

$text = file_get_contents($argv[1]);
$iters = (int)$argv[2];
$page = json_decode($text, true, 512, JSON_THROW_ON_ERROR); // untimed check and warm-up
[$t0, $c0] = [hrtime(true), cpu_seconds()];
for ($i = 0; $i < $iters; $i++) {
    $page = json_decode($text, true, 512, JSON_THROW_ON_ERROR);
}
print_result('decode', $iters, (hrtime(true) - $t0) / 1e9, cpu_seconds() - $c0,
    strlen($text) * $iters);

<?php
// PHP side of the decode benchmark: json_decode of one list page to plain arrays, ITERS times.
//
//   php decode.php PAGE_FILE ITERS
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

$text = file_get_contents($argv[1]);
$iters = (int)$argv[2];
$page = json_decode($text, true, 512, JSON_THROW_ON_ERROR); // untimed check and warm-up
[$t0, $c0] = [hrtime(true), cpu_seconds()];
for ($i = 0; $i < $iters; $i++) {
    $page = json_decode($text, true, 512, JSON_THROW_ON_ERROR);
}
$wall = (hrtime(true) - $t0) / 1e9;
$cpu = cpu_seconds() - $c0;
printf("{\"client\": \"php\", \"mode\": \"decode\", \"n\": %d, \"wall_s\": %.6f, \"cpu_s\": %.6f, "
    . "\"maxrss_kb\": %d, \"units\": %d}\n", $iters, $wall, $cpu, peak_rss_kb(),
    strlen($text) * $iters);

<?php
// What the PHP baselines measure of themselves, the same way in every script: their own CPU
// time and peak RSS, and the one JSON result line the C programs print too.

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

function print_result(string $mode, int $n, float $wall, float $cpu, int $units): void
{
    printf("{\"client\": \"php\", \"mode\": \"%s\", \"n\": %d, \"wall_s\": %.6f, \"cpu_s\": %.6f, "
        . "\"maxrss_kb\": %d, \"units\": %d}\n", $mode, $n, $wall, $cpu, peak_rss_kb(), $units);
}

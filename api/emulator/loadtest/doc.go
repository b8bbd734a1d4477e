// Package loadtest drives the local Platform API (api/localapi over
// api/emulator) with a fixed schedule of mixed reads and writes over
// loopback, through the real api.Client, and then checks that no
// acknowledged write was lost by reopening the state file in a fresh Store.
//
// It is behind the loadtest build tag so that the normal test run stays
// fast:
//
//	go test -tags loadtest -run TestLoad -v ./api/emulator/loadtest/
//
// Flags (after the package): -loadtest.rate (requests per second, 200),
// -loadtest.duration (10s), -loadtest.groups (synthetic groups seeded,
// 10000), -loadtest.writes (fraction of writes, 0.4), -loadtest.lists and
// -loadtest.listdbs (fractions of reads that list every group, 0.05, or
// every database, 0.02), -loadtest.seed and -loadtest.out (append the
// markdown report to a file). The run is bounded:
// rate × duration requests, each with a deadline, on 127.0.0.1 only.
package loadtest

//go:build !race

package emulator

// raceEnabled loosens timing bounds: the race detector slows code ~5-10x.
const raceEnabled = false

//go:build unix

package listcache

import (
	"io/fs"
	"os"
	"syscall"
)

// ownedByUs reports whether fi is owned by the user running the program:
// a list someone else could have written is not shown as ours.
func ownedByUs(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return !ok || int(st.Uid) == os.Getuid()
}

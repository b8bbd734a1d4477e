//go:build unix

package serve

import (
	"io/fs"
	"os"
	"syscall"
)

// ownerOf is the user id that owns the file fi describes.
func ownerOf(fi fs.FileInfo) (uid int, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}

// serverUID is the user the server runs as.
func serverUID() int { return os.Geteuid() }

// changeStamp is what changes whenever a file's content, mode, owner or
// identity does: its inode, size, modification time and, where known, its
// change time (which moves on every write, chmod, chown and rename, and
// cannot be set by hand).
func changeStamp(fi fs.FileInfo) [6]int64 {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return [6]int64{fi.Size(), fi.ModTime().UnixNano(), int64(fi.Mode())}
	}
	return [6]int64{int64(st.Ino), int64(st.Dev), fi.Size(), fi.ModTime().UnixNano(), changeTime(st), int64(fi.Mode()) ^ int64(st.Uid)<<32}
}

//go:build !unix

package serve

import "io/fs"

// ownerOf is unknown off Unix: only the mode bits are checked there.
func ownerOf(fs.FileInfo) (uid int, ok bool) { return 0, false }

// serverUID is the user the server runs as; unknown off Unix.
func serverUID() int { return -1 }

// changeStamp is what changes whenever a file's content or mode does.
func changeStamp(fi fs.FileInfo) [6]int64 {
	return [6]int64{fi.Size(), fi.ModTime().UnixNano(), int64(fi.Mode())}
}

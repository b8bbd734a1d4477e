//go:build !unix

package listcache

import "io/fs"

// ownedByUs: ownership is not checked here (Windows' ACLs keep a user's
// cache directory theirs).
func ownedByUs(fs.FileInfo) bool { return true }

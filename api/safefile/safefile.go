// Package safefile opens the files turso-groups reads (its config file,
// the turso CLI's settings.json, the local API's state and token files)
// so that something other than a regular file cannot stall it. Opening a
// FIFO for reading blocks until a writer comes, forever if none does, and
// in the open system call, where no signal handler or context reaches: a
// FIFO given as --data hung the program at start, deaf to Ctrl+C. A
// device or a directory is not a settings file either.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is wrapped by the error for a path that is not a regular
// file (after following symlinks): a FIFO, a device, a socket, a directory.
var ErrNotRegular = errors.New("not a regular file")

// notRegular says what the file is instead.
type notRegular struct{ kind string }

func (e *notRegular) Error() string        { return "it is " + e.kind + ", not a regular file" }
func (e *notRegular) Is(target error) bool { return target == ErrNotRegular }

func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m.IsDir():
		return "a directory"
	}
	return fmt.Sprintf("of type %v", m.Type())
}

// check returns an *fs.PathError wrapping ErrNotRegular unless fi is a
// regular file.
func check(op, path string, fi fs.FileInfo) error {
	if fi.Mode().IsRegular() {
		return nil
	}
	return &fs.PathError{Op: op, Path: path, Err: &notRegular{kindOf(fi.Mode())}}
}

// Check returns nil if path is a regular file or does not exist, the
// not-regular error if it is something else, and any other error from
// stat as it is. It opens nothing, so it cannot block.
func Check(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	return check("open", path, fi)
}

// Open opens path for reading; see OpenFile.
func Open(path string) (*os.File, error) { return OpenFile(path, os.O_RDONLY, 0) }

// OpenFile is os.OpenFile for a regular file only. Anything else is
// refused with an *fs.PathError wrapping ErrNotRegular: looked at before
// it is opened, and again, on the open file, after (the path may have
// changed in between). The open itself is non-blocking, so a FIFO swapped
// in meanwhile cannot hang it either; regular files do not block, so the
// flag changes nothing for them.
func OpenFile(path string, flag int, perm fs.FileMode) (*os.File, error) {
	if err := Check(path); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, flag|nonBlock, perm)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil {
		err = check("open", path, fi)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// ErrTooLarge is wrapped by ReadFile's error for a file over its limit.
var ErrTooLarge = errors.New("file too large")

// ReadFile reads the regular file at path, at most limit bytes; a larger
// file is an *fs.PathError wrapping ErrTooLarge.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w: larger than %d bytes", ErrTooLarge, limit)}
	}
	return data, nil
}

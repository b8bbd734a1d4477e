//go:build !unix

package serve

import "errors"

func mkfifo(string) error { return errors.New("no FIFOs here") }

package api

// DecodeGroupListFast runs the group list's fast path alone, for the
// external tests that hold it to jsonv1's result.
func DecodeGroupListFast(body []byte) ([]Group, bool) {
	var l groupList
	ok := l.decodeFast(body)
	return l.Groups, ok
}

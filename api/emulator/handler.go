package emulator

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// MaxBodyBytes bounds request bodies; the real API's bodies are tiny, and a
// bound keeps a misbehaving client from exhausting memory.
const MaxBodyBytes = 1 << 20

// groupPrefixes are the two spellings of every group route: the documented
// org form, and the user-scoped form the turso CLI uses for the personal
// org.
var groupPrefixes = []string{"/v1/organizations/{org}/groups", "/v1/groups"}

// methods maps HTTP methods to handlers for one path.
type methods map[string]http.HandlerFunc

// routes builds the router. Each path is registered without a method and
// dispatched by route(), so unknown methods get a JSON 405 (ServeMux's own
// 405 and 404 are plain text, which the npm client cannot parse).
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	handle := func(p string, m methods) { mux.HandleFunc(p, route(m)) }

	handle("/v1/auth/validate", methods{http.MethodGet: s.handleValidate})
	handle("/v1/user", methods{http.MethodGet: s.handleUser})
	handle("/v1/current-user", methods{http.MethodGet: s.handleCurrentUser})
	handle("/v1/organizations", methods{http.MethodGet: s.handleOrganizations})
	handle("/v2/organizations", methods{http.MethodGet: s.handleOrganizationsV2})
	handle("/v1/organizations/{org}", methods{http.MethodGet: s.handleOrganization})
	handle("/v1/organizations/{org}/plans", methods{http.MethodGet: s.handlePlans})
	handle("/v1/organizations/{org}/subscription", methods{http.MethodGet: s.handleSubscription})
	handle("/v1/locations", methods{http.MethodGet: s.handleLocations})
	handle("/v1/locations/{code}", methods{http.MethodGet: s.handleLocation})
	handle("/v2/locations", methods{http.MethodGet: s.handleLocationsV2})
	handle("/v2/organizations/{org}/locations", methods{http.MethodGet: s.handleLocationsV2})
	handle("/v1/organizations/{org}/usage", methods{http.MethodGet: s.handleOrgUsage})
	handle("/v1/organizations/{org}/audit-logs", methods{http.MethodGet: s.handleAuditLogs})
	for _, p := range dbPrefixes {
		handle(p, methods{http.MethodGet: s.handleDatabases, http.MethodPost: s.handleCreateDatabase})
		handle(p+"/{database}", methods{http.MethodGet: s.handleGetDatabase, http.MethodDelete: s.handleDeleteDatabase})
		handle(p+"/{database}/usage", methods{http.MethodGet: s.handleDatabaseUsage})
	}

	for _, p := range groupPrefixes {
		handle(p, methods{http.MethodGet: s.handleListGroups, http.MethodPost: s.handleCreateGroup})
		handle(p+"/{group}", methods{http.MethodGet: s.handleGetGroup, http.MethodDelete: s.handleDeleteGroup})
		handle(p+"/{group}/configuration", methods{http.MethodGet: s.handleGetConfig, http.MethodPatch: s.handlePatchConfig})
		handle(p+"/{group}/transfer", methods{http.MethodPost: s.handleTransfer})
		handle(p+"/{group}/unarchive", methods{http.MethodPost: s.handleUnarchive})
		handle(p+"/{group}/locations/{location}", methods{http.MethodPost: s.handleAddLocation, http.MethodDelete: s.handleRemoveLocation})
		handle(p+"/{group}/locations/{location}/wait", methods{http.MethodGet: s.handleWaitLocation})
		if s.groupUpdate != GroupUpdateRemoved {
			// Removed, the route is not registered at all, so that it
			// gets the catch-all's JSON 404, as any unknown route does.
			handle(p+"/{group}/update", methods{http.MethodPost: s.handleUpdateGroup})
		}
		handle(p+"/{group}/auth/tokens", methods{http.MethodPost: s.handleCreateToken})
		handle(p+"/{group}/auth/rotate", methods{http.MethodPost: s.handleRotate})
		handle(p+"/{group}/rename", methods{http.MethodPost: s.handleRename})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, errorBody{Error: "not found: no route for " + r.Method + " " + r.URL.Path})
	})
	return mux
}

// route dispatches on the method; HEAD is served as GET.
func route(m methods) http.HandlerFunc {
	allowed := make([]string, 0, len(m))
	for k := range m {
		allowed = append(allowed, k)
	}
	sort.Strings(allowed)
	allow := strings.Join(allowed, ", ")
	return func(w http.ResponseWriter, r *http.Request) {
		h, ok := m[r.Method]
		if !ok && r.Method == http.MethodHead {
			h, ok = m[http.MethodGet]
		}
		if !ok {
			w.Header().Set("Allow", allow)
			writeJSON(w, http.StatusMethodNotAllowed, errorBody{Error: fmt.Sprintf("method %s is not allowed on %s; use %s", r.Method, r.URL.Path, allow)})
			return
		}
		h(w, r)
	}
}

// ServeHTTP applies fault injection, authentication and the body limit, then
// routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusWriter{ResponseWriter: w}
	defer func() {
		// Never the Authorization header: it holds the token.
		s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "duration", time.Since(start))
	}()
	if s.injectFaults(rec, r) {
		return
	}
	if msg := s.checkAuth(r); msg != "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="turso"`)
		// A client without the token gets nothing more from this
		// connection: net/http closes it after the answer, rather than
		// keeping it alive for whoever holds it.
		w.Header().Set("Connection", "close")
		writeJSON(rec, http.StatusUnauthorized, errorBody{Error: msg})
		return
	}
	if !isCleanPath(r.URL.Path) {
		// ServeMux would answer with an HTML redirect; clients want JSON, and
		// no real route has such a path.
		writeJSON(rec, http.StatusNotFound, errorBody{Error: "not found: no route for " + r.Method + " " + r.URL.Path})
		return
	}
	if r.ContentLength > MaxBodyBytes {
		writeJSON(rec, http.StatusRequestEntityTooLarge, errorBody{Error: fmt.Sprintf("request body is larger than %d bytes", MaxBodyBytes)})
		return
	}
	r.Body = http.MaxBytesReader(rec, r.Body, MaxBodyBytes)
	s.mux.ServeHTTP(rec, r)
}

// isCleanPath reports whether p is rooted and has no empty, "." or ".."
// segments (a trailing slash is allowed; it simply matches no route).
func isCleanPath(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c == p
}

// checkAuth returns why the request is not authorized, or "" if it is.
// Messages are plain sentences a user can act on; they never echo the token.
func (s *Server) checkAuth(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "missing Authorization header: send Authorization: Bearer <token>"
	}
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "the Authorization header must use the Bearer scheme"
	}
	tok = strings.TrimSpace(tok)
	// Hashing first makes the comparison constant-time in the length too.
	got, want := sha256.Sum256([]byte(tok)), sha256.Sum256([]byte(s.token))
	if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
		return "invalid API token"
	}
	if s.now().After(s.tokenExpiry) {
		return "the API token has expired"
	}
	return ""
}

// statusWriter remembers the status for the request log. Unwrap lets
// http.ResponseController reach the connection for hijacking and flushing.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (sw *statusWriter) WriteHeader(code int) {
	if sw.status == 0 {
		sw.status = code
	}
	sw.ResponseWriter.WriteHeader(code)
}

func (sw *statusWriter) Write(b []byte) (int, error) {
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	return sw.ResponseWriter.Write(b)
}

func (sw *statusWriter) Unwrap() http.ResponseWriter { return sw.ResponseWriter }

// errorBody is the error shape both official clients parse.
type errorBody struct {
	Error string `json:"error"`
	Code  string `json:"code,omitempty"`
}

// apiError is an error with the status and body the client should get.
type apiError struct {
	status int
	msg    string
	code   string
}

func (e *apiError) Error() string { return e.msg }

func errBadRequest(format string, args ...any) error {
	return &apiError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

func errNotFound(msg string) error { return &apiError{status: http.StatusNotFound, msg: msg} }

func errConflict(format string, args ...any) error {
	return &apiError{status: http.StatusConflict, msg: fmt.Sprintf(format, args...)}
}

var (
	errOrgNotFound   = errNotFound("organization not found")
	errGroupNotFound = errNotFound("group not found")
)

// writeError answers with err's status and message; anything that is not an
// apiError is the emulator's own failure (usually persistence) and is a 500
// whose message says what failed, so a user can fix their disk.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	if errors.As(err, &ae) {
		writeJSON(w, ae.status, errorBody{Error: ae.msg, Code: ae.code})
		return
	}
	s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	writeJSON(w, http.StatusInternalServerError, errorBody{Error: "local API error: " + err.Error()})
}

// writeJSON writes v as the JSON body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		data = []byte(`{"error":"local API error: encoding the response failed"}`)
	}
	data = append(data, '\n')
	w.Header().Set("Content-Type", "application/json")
	// A known length lets a client read the body into one buffer of the
	// right size instead of growing one (the real API sends it too).
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// writeList answers 200 with {"<key>":[items...]}: what writeJSON makes of
// a map holding a slice of the values the items encode, assembled from
// already encoded items (a test checks it is the same). It is written in
// pieces of about 64 KiB rather than as one body: the list of 30,000
// databases is 7.6 MB, which every request would otherwise allocate, and a
// client that reads slowly then holds back the server's writes, not its
// memory.
func writeList(w http.ResponseWriter, key string, items [][]byte) {
	n := len(`{"":[]}`+"\n") + len(key) + max(len(items)-1, 0) // the commas
	for _, it := range items {
		n += len(it)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(http.StatusOK)
	const piece = 64 << 10
	buf := make([]byte, 0, min(n, piece))
	buf = append(buf, `{"`...)
	buf = append(buf, key...)
	buf = append(buf, `":[`...)
	for i, it := range items {
		if len(buf) > 0 && len(buf)+len(it)+1 > piece {
			if _, err := w.Write(buf); err != nil {
				return // the client has gone
			}
			buf = buf[:0]
		}
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, it...)
	}
	buf = append(buf, "]}\n"...)
	_, _ = w.Write(buf)
}

// readBody decodes a JSON request body into v whatever the Content-Type
// (the npm client sends text/plain). An empty body leaves v as it is, since
// several POSTs need none. Keys match case-insensitively (encoding/json's
// rule), which the CLI's capitalised {"Name": ...} bodies rely on.
func readBody(r *http.Request, v any) error {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &apiError{status: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("request body is larger than %d bytes", MaxBodyBytes)}
		}
		return errBadRequest("reading the request body: %v", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return errBadRequest("invalid JSON body: %v", err)
	}
	return nil
}

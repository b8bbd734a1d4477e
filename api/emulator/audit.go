package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/seed372e9e9a/turso-groups/api"
)

// maxAuditEntries bounds each organization's audit log: the oldest entries
// go first. The state file is rewritten whole on every change, so an
// unbounded log would make every write slower forever.
const maxAuditEntries = 1000

// Audit codes. Those the spec's AuditLog.code enum lists are used for what
// they name; the spec has no code for the other changes the local API
// serves, so those get one in the same style, which a spec-checking client
// would refuse (TestAuditCodesOutsideSpec lists them).
const (
	auditGroupCreate      = "group-create"
	auditGroupDelete      = "group-delete"
	auditGroupUnarchive   = "group-unarchive"
	auditGroupProtect     = "group-protect"
	auditGroupUnprotect   = "group-unprotect"
	auditGroupTokenCreate = "group-token-create"
	auditInstanceCreate   = "instance-create" // a location added to a group
	auditInstanceDelete   = "instance-delete" // a location removed from a group
	auditDBCreate         = "db-create"
	auditDBDelete         = "db-delete"

	auditGroupRename      = "group-rename"       // not in the spec
	auditGroupTransfer    = "group-transfer"     // not in the spec
	auditGroupUpdate      = "group-update"       // not in the spec
	auditGroupTokenRotate = "group-token-rotate" // not in the spec
)

// auditRec is one audit log entry as stored and served (the spec's
// AuditLog). Data names the target ("group", "database") and what else the
// change involved ("location", "organization", "name"), and "actor" holds
// the client's api.ActorHeader when it sent one.
type auditRec struct {
	Code      string            `json:"code"`
	Message   string            `json:"message"`
	Origin    string            `json:"origin"`
	Author    string            `json:"author"`
	CreatedAt time.Time         `json:"created_at"`
	Data      map[string]string `json:"data"`

	enc []byte // cached JSON, as groupRec.enc
}

// encoded returns e's JSON, cached; entries are immutable once stored.
func (e *auditRec) encoded() ([]byte, error) {
	if e.enc == nil {
		b, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		e.enc = b
	}
	return e.enc, nil
}

// addAudit appends e to the org's audit log, dropping the oldest entry
// beyond maxAuditEntries, and journals the change so that it is undone with
// the change it records if that fails. The log is copied, never appended
// to in place: the committed state may share it (see orgRec.Audit).
func (o *orgRec) addAudit(e *auditRec) {
	old := o.Audit
	log := append(slices.Clip(old), e)
	if n := len(log) - maxAuditEntries; n > 0 {
		log = log[n:]
	}
	o.jr.record(change{org: o.Slug, isAudit: true, oldA: old, newA: log})
	o.Audit = log
}

// loadAudit takes in a state file's audit log, keeping its newest
// maxAuditEntries; a file from before audit logs has none.
func (o *orgRec) loadAudit(entries []auditRec) error {
	if n := len(entries) - maxAuditEntries; n > 0 {
		entries = entries[n:]
	}
	o.Audit = make([]*auditRec, 0, len(entries))
	for i := range entries {
		e := entries[i]
		if e.Code == "" {
			return fmt.Errorf("%w: an audit log entry of %q has no code", errBadState, o.Slug)
		}
		o.Audit = append(o.Audit, &e)
	}
	if len(o.Audit) == 0 {
		o.Audit = nil
	}
	return nil
}

// appendAudit appends `,"audit_logs":[…]` for a non-empty log, as
// json.Marshal does for orgFile.AuditLogs (omitempty).
func appendAudit(buf []byte, log []*auditRec) ([]byte, error) {
	if len(log) == 0 {
		return buf, nil
	}
	buf = append(buf, `,"audit_logs":[`...)
	for i, e := range log {
		if i > 0 {
			buf = append(buf, ',')
		}
		enc, err := e.encoded()
		if err != nil {
			return nil, err
		}
		buf = append(buf, enc...)
	}
	return append(buf, ']'), nil
}

// maxActorLen bounds what is kept of api.ActorHeader.
const maxActorLen = api.MaxActorLen

// actorOf returns the request's api.ActorHeader made safe to store and to
// show: valid UTF-8, printable, at most maxActorLen bytes. A bad header is
// cleaned up rather than refused: the real API ignores the header, so no
// change should fail over it here either.
func actorOf(r *http.Request) string {
	v := strings.ToValidUTF8(r.Header.Get(api.ActorHeader), "\uFFFD")
	v = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return -1
	}, v)
	v = strings.TrimSpace(v)
	if len(v) > maxActorLen {
		v = strings.ToValidUTF8(v[:maxActorLen], "")
	}
	return v
}

// originOf is the spec's AuditLog.origin: "cli" for the command-line
// clients (the turso CLI, turso-groups), "web" for anything else.
func originOf(r *http.Request) string {
	ua := r.UserAgent()
	if strings.HasPrefix(ua, "turso-cli") || strings.HasPrefix(ua, "turso-groups") {
		return "cli"
	}
	return "web"
}

// newAudit builds the entry for a change the request made. The author is
// the token's user: the local API has one user, who owns every token.
func (s *Server) newAudit(r *http.Request, st *state, code, message string, data map[string]string) *auditRec {
	if data == nil {
		data = map[string]string{}
	}
	if a := actorOf(r); a != "" {
		data["actor"] = a
	}
	return &auditRec{
		Code:      code,
		Message:   message,
		Origin:    originOf(r),
		Author:    st.User.Username,
		CreatedAt: s.now().UTC().Truncate(time.Second),
		Data:      data,
	}
}

// auditGroupChange records the change a group route's write made: before
// is the group as stored, after the changed copy. The route says which
// change it was. For a transfer both organizations get an entry.
func (s *Server) auditGroupChange(r *http.Request, st *state, o *orgRec, before, after *groupRec) {
	_, suffix, found := strings.Cut(r.Pattern, "{group}")
	if !found {
		suffix = "?" // not a group route: matches no case below
	}
	data := map[string]string{"group": before.Name}
	var code, msg string
	switch suffix {
	case "":
		code, msg = auditGroupDelete, "deleted group "+before.Name
	case "/configuration":
		code, msg = auditGroupUnprotect, "turned delete protection off for group "+before.Name
		if after.DeleteProtection {
			code, msg = auditGroupProtect, "turned delete protection on for group "+before.Name
		}
	case "/transfer":
		to := orgHolding(st, o, after)
		data["organization"] = to
		code, msg = auditGroupTransfer, fmt.Sprintf("transferred group %s to organization %s", before.Name, to)
		if t, ok := st.Orgs[to]; ok {
			in := map[string]string{"group": before.Name, "from": o.Slug}
			t.addAudit(s.newAudit(r, st, code, fmt.Sprintf("received group %s from organization %s", before.Name, o.Slug), in))
		}
	case "/unarchive":
		code, msg = auditGroupUnarchive, "unarchived group "+before.Name
	case "/locations/{location}":
		loc := r.PathValue("location")
		data["location"] = loc
		code, msg = auditInstanceDelete, fmt.Sprintf("removed location %s from group %s", loc, before.Name)
		if r.Method == http.MethodPost {
			code, msg = auditInstanceCreate, fmt.Sprintf("added location %s to group %s", loc, before.Name)
		}
	case "/update":
		code, msg = auditGroupUpdate, fmt.Sprintf("updated group %s to %s", before.Name, after.Version)
	case "/auth/rotate":
		code, msg = auditGroupTokenRotate, "rotated the token signing key of group "+before.Name
	case "/rename":
		data["name"] = after.Name
		code, msg = auditGroupRename, fmt.Sprintf("renamed group %s to %s", before.Name, after.Name)
	default:
		// A write route this table does not know yet still leaves a trace.
		code, msg = "group-"+strings.ToLower(r.Method), r.Method+" "+r.URL.Path
	}
	o.addAudit(s.newAudit(r, st, code, msg, data))
}

// orgHolding is the slug of the organization other than from that now
// holds g (where a transfer put it), or "".
func orgHolding(st *state, from *orgRec, g *groupRec) string {
	for slug, o := range st.Orgs {
		if o != from && o.Groups[g.Name] == g {
			return slug
		}
	}
	return ""
}

// auditRead records a POST that a group route served without changing the
// state: minting a group token. It is a write of its own, made before the
// answer is sent so that a client listing the log afterwards sees it. If it
// fails (a read-only state file) the token is still handed out, as it was
// before audit logs existed, and the failure is logged.
func (s *Server) auditRead(r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.Pattern, "/auth/tokens") {
		return
	}
	group := r.PathValue("group")
	data := map[string]string{"group": group}
	if a := r.URL.Query().Get("authorization"); a != "" {
		data["authorization"] = a
	}
	if e := r.URL.Query().Get("expiration"); e != "" {
		data["expiration"] = e
	}
	err := s.store.update(func(st *state) error {
		o, err := requestOrg(st, r)
		if err != nil {
			return err
		}
		o.addAudit(s.newAudit(r, st, auditGroupTokenCreate, "created a token for group "+group, data))
		return nil
	})
	if err != nil {
		s.log.Error("recording the audit log entry failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
}

// auditPageSize is the spec's default page size.
const auditPageSize = 100

// maxAuditPageSize bounds page_size, so a huge one cannot ask for more
// than the log can hold anyway.
const maxAuditPageSize = maxAuditEntries

// errAuditNotAvailable is the Starter plan's answer to the audit log, with
// the code the turso CLI maps to "… not available on the free plan".
var errAuditNotAvailable = &apiError{
	status: http.StatusForbidden,
	msg:    "audit logs are not available on the starter plan: upgrade to Scaler, Pro or Enterprise",
	code:   api.CodePlanLimit,
}

// auditLogJSON is the spec's AuditLog as served: created_at in RFC 3339
// seconds, data an object.
type auditLogJSON struct {
	Code      string            `json:"code"`
	Message   string            `json:"message"`
	Origin    string            `json:"origin"`
	Author    string            `json:"author"`
	CreatedAt string            `json:"created_at"`
	Data      map[string]string `json:"data"`
}

type paginationJSON struct {
	Page       int `json:"page"`
	PageSize   int `json:"page_size"`
	TotalPages int `json:"total_pages"`
	TotalRows  int `json:"total_rows"`
}

// queryInt reads a positive integer query parameter, def when absent.
func queryInt(r *http.Request, name string, def int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, errBadRequest("invalid %s: %q is not a positive integer", name, v)
	}
	return n, nil
}

// handleAuditLogs serves one page of the org's audit log, newest first.
// Starter-plan organizations are refused, as on the real service.
func (s *Server) handleAuditLogs(w http.ResponseWriter, r *http.Request) {
	page, err := queryInt(r, "page", 1)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	size, err := queryInt(r, "page_size", auditPageSize)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	size = min(size, maxAuditPageSize)
	var log []*auditRec
	err = s.store.view(func(st *state) error {
		o, err := requestOrg(st, r)
		if err != nil {
			return err
		}
		if o.PlanID == "starter" {
			return errAuditNotAvailable
		}
		log = o.Audit
		return nil
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	total := len(log)
	out := struct {
		AuditLogs  []auditLogJSON `json:"audit_logs"`
		Pagination paginationJSON `json:"pagination"`
	}{
		AuditLogs:  []auditLogJSON{},
		Pagination: paginationJSON{Page: page, PageSize: size, TotalPages: (total + size - 1) / size, TotalRows: total},
	}
	// Newest first: page 1 starts at the end of the log. A page beyond
	// the number of entries is past the end whatever the size, and
	// checking that first keeps (page-1)*size from overflowing.
	if page <= total {
		skip := (page - 1) * size
		for i := total - 1 - skip; i >= 0 && i > total-1-skip-size; i-- {
			e := log[i]
			data := e.Data
			if data == nil {
				data = map[string]string{} // the spec's data is an object, never null
			}
			out.AuditLogs = append(out.AuditLogs, auditLogJSON{
				Code: e.Code, Message: e.Message, Origin: e.Origin, Author: e.Author,
				CreatedAt: e.CreatedAt.UTC().Format(time.RFC3339), Data: data,
			})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

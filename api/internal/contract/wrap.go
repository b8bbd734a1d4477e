package contract

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Transport returns an http.RoundTripper for test clients that sends each
// request through next (http.DefaultTransport if nil) and checks the
// exchange with CheckExchange. Violations are reported with t.Errorf; the
// request is still sent and the response is still returned, with its body
// intact, so the test goes on to see what the client makes of it.
func (v *Validator) Transport(next http.RoundTripper, t testing.TB) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &transport{v: v, next: next, t: t}
}

type transport struct {
	v    *Validator
	next http.RoundTripper
	t    testing.TB
}

func (tr *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		reqBody, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	// A RoundTripper must not modify the caller's request: send a clone
	// carrying the bytes just read.
	out := req.Clone(req.Context())
	if req.Body != nil && req.Body != http.NoBody {
		out.Body = io.NopCloser(bytes.NewReader(reqBody))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(reqBody)), nil }
		out.ContentLength = int64(len(reqBody))
	}

	resp, err := tr.next.RoundTrip(out)
	if err != nil {
		return resp, err
	}
	respBody, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))

	if err := tr.v.CheckExchange(req, reqBody, resp.StatusCode, resp.Header, respBody); err != nil {
		tr.t.Helper()
		tr.t.Errorf("%v", err)
	}
	return resp, nil
}

// Middleware wraps a handler under test: each request is served into a
// recorder, the exchange is checked with CheckExchange (violations go to
// t.Errorf), and then the recorded status, headers and body are written
// through to w unchanged. Streaming (Flush), Hijack and trailers are not
// passed through; the Platform API uses none of them.
func (v *Validator) Middleware(next http.Handler, t testing.TB) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var reqBody []byte
		if r.Body != nil && r.Body != http.NoBody {
			var err error
			reqBody, err = io.ReadAll(r.Body)
			r.Body.Close()
			if err != nil {
				t.Errorf("contract middleware: reading request body of %s %s: %v", r.Method, r.URL.Path, err)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = io.WriteString(w, `{"error":"contract middleware: reading request body"}`)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(reqBody))
		}
		// The handler may change r (URL, headers); check what the client sent.
		sent := r.Clone(r.Context())

		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		res := rec.Result()
		body := rec.Body.Bytes()
		if _, set := res.Header["Content-Type"]; !set && len(body) > 0 {
			// The recorder only sniffs a Content-Type when the first Write
			// comes before WriteHeader; net/http always sniffs (unless the
			// key is present). Check what the client will actually receive.
			res.Header.Set("Content-Type", http.DetectContentType(body))
		}

		if err := v.CheckExchange(sent, reqBody, res.StatusCode, res.Header, body); err != nil {
			t.Errorf("%v", err)
		}

		for k, vs := range res.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(res.StatusCode)
		_, _ = w.Write(body)
	})
}

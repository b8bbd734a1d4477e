package emulator

import (
	"context"
	"math/rand/v2"
	"net/http"
	"time"
)

// randSource is the fault RNG; a seeded PCG makes fault tests reproducible.
type randSource = *rand.Rand

// fault is what the injector decided for one request.
type fault int

const (
	faultNone fault = iota
	faultDrop
	faultStall
	faultMalformed
	faultRateLimit
	faultFail500
	faultFail503
)

func (fi *faultInjector) init(seed int64, f Faults) {
	fi.rng = rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15))
	fi.faults = f
}

func (fi *faultInjector) set(f Faults) {
	fi.mu.Lock()
	fi.faults = f
	fi.mu.Unlock()
}

// draw picks the fault for one request. One uniform number is compared
// against cumulative rates, so each rate is the fraction of requests it gets.
func (fi *faultInjector) draw() (time.Duration, fault) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	f := fi.faults
	if f.DropRate <= 0 && f.StallRate <= 0 && f.MalformedRate <= 0 && f.RateLimitRate <= 0 && f.FailRate <= 0 {
		return f.Latency, faultNone
	}
	x := fi.rng.Float64()
	cum := 0.0
	for _, c := range []struct {
		rate float64
		f    fault
	}{
		{f.DropRate, faultDrop},
		{f.StallRate, faultStall},
		{f.MalformedRate, faultMalformed},
		{f.RateLimitRate, faultRateLimit},
		{f.FailRate, faultFail500},
	} {
		if c.rate <= 0 {
			continue
		}
		cum += c.rate
		if x < cum {
			if c.f == faultFail500 && fi.rng.IntN(2) == 1 {
				return f.Latency, faultFail503
			}
			return f.Latency, c.f
		}
	}
	return f.Latency, faultNone
}

// sleepCtx waits d or until ctx ends; it reports whether the full wait ran.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// injectFaults applies latency and any drawn fault. It reports whether the
// request was consumed by a fault and must not be served.
func (s *Server) injectFaults(w http.ResponseWriter, r *http.Request) bool {
	latency, f := s.faults.draw()
	if !sleepCtx(r.Context(), latency) {
		// The client gave up while we were "slow"; nobody is listening.
		return true
	}
	switch f {
	case faultNone:
		return false
	case faultDrop:
		s.dropConnection(w)
	case faultStall:
		s.stall(w, r)
	case faultMalformed:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		// Looks like the start of a real answer, so that clients which sniff
		// the first bytes are fooled too.
		_, _ = w.Write([]byte(`{"groups":[{"name":"default","locations":["fr`))
	case faultRateLimit:
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusTooManyRequests, errorBody{Error: "rate limit exceeded"})
	case faultFail500:
		writeJSON(w, http.StatusInternalServerError, errorBody{Error: "internal server error (injected fault)"})
	case faultFail503:
		writeJSON(w, http.StatusServiceUnavailable, errorBody{Error: "service unavailable (injected fault)"})
	}
	s.log.Debug("injected fault", "method", r.Method, "path", r.URL.Path, "fault", int(f))
	return true
}

// dropConnection closes the TCP connection without a response, as a crashed
// proxy would. Transports that cannot be hijacked (HTTP/2, recorders) get a
// 503 instead, the nearest thing they can observe.
func (s *Server) dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		writeJSON(w, http.StatusServiceUnavailable, errorBody{Error: "connection dropped (injected fault)"})
		return
	}
	_ = conn.Close()
}

// stall sends a 200, its headers and the start of a body, then hangs until
// the client or the server gives up, to exercise client timeouts that cover
// the body and not only the headers.
func (s *Server) stall(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(`{"groups":[`))
	_ = http.NewResponseController(w).Flush()
	<-r.Context().Done()
}

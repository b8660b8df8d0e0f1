package client

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// liveServer is the embedded default (`node bin/taskmanager.mjs start`) on free ports.
type liveServer struct {
	baseURL string
	cmd     *exec.Cmd
	output  *bytes.Buffer
	exited  chan struct{}
}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

func freePort() (int, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer listener.Close()
	return listener.Addr().(*net.TCPAddr).Port, nil
}

// startLiveServer starts the server and waits until GET /readyz answers 200.
func startLiveServer(extraEnv ...string) (*liveServer, error) {
	node := os.Getenv("NODE")
	if node == "" {
		var err error
		if node, err = exec.LookPath("node"); err != nil {
			return nil, fmt.Errorf("node is needed to start the server under test: %w", err)
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	grpcPort, err := freePort()
	if err != nil {
		return nil, err
	}
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TM_") {
			env = append(env, kv)
		}
	}
	env = append(env, fmt.Sprintf("TM_PORT=%d", port), fmt.Sprintf("TM_GRPC_PORT=%d", grpcPort), "TM_APP_LOG_LEVEL=warn")
	env = append(env, extraEnv...)
	output := &bytes.Buffer{}
	cmd := exec.Command(node, "bin/taskmanager.mjs", "start")
	cmd.Dir = repoRoot()
	cmd.Env = env
	cmd.Stdout = output
	cmd.Stderr = output
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	server := &liveServer{baseURL: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, output: output, exited: exited}
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-exited:
			return nil, fmt.Errorf("taskmanager exited: %s", output.String())
		default:
		}
		if res, err := http.Get(server.baseURL + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return server, nil
			}
		}
		if time.Now().After(deadline) {
			server.stop()
			return nil, fmt.Errorf("taskmanager not ready within 30s: %s", output.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *liveServer) stop() {
	if s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

var server *liveServer

func TestMain(m *testing.M) {
	var err error
	server, err = startLiveServer()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	server.stop()
	os.Exit(code)
}

// frontProxy forwards to the live server (event streams as they come), except requests a test
// answers itself (a 503 for a while, or GET /api/v1/events as a server without it answers).
// Tasks stay real.
type frontProxy struct {
	*httptest.Server
	mu        sync.Mutex
	seen      []string
	intercept func(w http.ResponseWriter, r *http.Request) bool
}

func newFrontProxy(t *testing.T) *frontProxy {
	target, _ := url.Parse(server.baseURL)
	forward := httputil.NewSingleHostReverseProxy(target)
	p := &frontProxy{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.seen = append(p.seen, r.Method+" "+r.URL.RequestURI())
		intercept := p.intercept
		p.mu.Unlock()
		if intercept != nil && intercept(w, r) {
			return
		}
		forward.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *frontProxy) setIntercept(f func(w http.ResponseWriter, r *http.Request) bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.intercept = f
}

func (p *frontProxy) count(prefix string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, s := range p.seen {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

func (p *frontProxy) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seen = nil
}

// unavailableFor answers 503 / 50301 to the next count requests of method on paths with prefix.
func (p *frontProxy) unavailableFor(count int, method, prefix string) {
	left := count
	var mu sync.Mutex
	p.setIntercept(func(w http.ResponseWriter, r *http.Request) bool {
		mu.Lock()
		defer mu.Unlock()
		if left == 0 || r.Method != method || !strings.HasPrefix(r.URL.Path, prefix) {
			return false
		}
		left--
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(503)
		_, _ = w.Write([]byte(`{"code":50301,"message":"storage is unavailable"}`))
		return true
	})
}

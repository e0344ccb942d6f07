package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// Server is an Assure server in its own process, so that a test can kill it as a power
// cut would (SIGKILL: no deferred code, no clean shutdown) and start it again.
type Server struct {
	URL  string
	cmd  *exec.Cmd
	done chan error
}

// FreeAddr finds a loopback address with a free port.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// StartServer runs argv with env added to this process's environment, its output to log,
// and waits until /healthz at addr answers 200 (or the process dies, or two minutes pass).
func StartServer(ctx context.Context, argv, env []string, addr string, log io.Writer) (*Server, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the server: %w", err)
	}
	s := &Server{URL: "http://" + addr, cmd: cmd, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			s.done <- err
			return nil, fmt.Errorf("the server exited while starting: %v", err)
		case <-ctx.Done():
			_ = s.Kill()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		res, err := http.Get(s.URL + "/healthz")
		if err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s, nil
			}
		}
	}
	_ = s.Kill()
	return nil, errors.New("the server did not answer /healthz within two minutes")
}

// Kill stops the server with SIGKILL and waits for the process to be gone.
func (s *Server) Kill() error {
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	<-s.done
	return nil
}

// Stop asks the server to finish (SIGTERM) and waits; it must exit cleanly.
func (s *Server) Stop() error {
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case err := <-s.done:
		return err
	case <-time.After(time.Minute):
		_ = s.Kill()
		return errors.New("the server did not stop within a minute of SIGTERM")
	}
}

//go:build !js

package storetest

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/nachoos/nacho/fabrik/chunkstore"
)

// WeedBinary finds SeaweedFS's weed: $NACHO_WEED, else tools/bin/weed in
// the module root (scripts/fabrik-seaweedfs.sh builds it there). It
// returns "" if there is none.
func WeedBinary() string {
	if p := os.Getenv("NACHO_WEED"); p != "" {
		return p
	}
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "tools", "bin", "weed")
			if _, err := os.Stat(p); err == nil {
				return p
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// StartSeaweedFS starts a SeaweedFS server with its S3 gateway on loopback
// ports for the length of the test and returns how to reach it. It skips
// the test, saying how to get the binary, when there is none.
func StartSeaweedFS(tb testing.TB) chunkstore.S3Config {
	bin := WeedBinary()
	if bin == "" {
		tb.Skip("no SeaweedFS binary: run scripts/fabrik-seaweedfs.sh (builds tools/bin/weed) or set NACHO_WEED")
	}
	dir := tb.TempDir()
	cfg := chunkstore.S3Config{AccessKey: "nachotest", SecretKey: "nachotestsecret", Bucket: "nacho-test"}
	ident := fmt.Sprintf(`{"identities":[{"name":"nacho","credentials":[{"accessKey":%q,"secretKey":%q}],"actions":["Admin","Read","Write","List","Tagging"]}]}`,
		cfg.AccessKey, cfg.SecretKey)
	if err := os.WriteFile(filepath.Join(dir, "s3.json"), []byte(ident), 0o600); err != nil {
		tb.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	os.Mkdir(data, 0o755)
	ports := freePorts(tb, 8)
	p := func(i int) string { return strconv.Itoa(ports[i]) }
	cmd := exec.Command(bin, "server", "-dir="+data, "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
		"-master.port="+p(0), "-master.port.grpc="+p(1), "-volume.port="+p(2), "-volume.port.grpc="+p(3),
		"-filer.port="+p(4), "-filer.port.grpc="+p(5), "-s3", "-s3.port="+p(6), "-s3.port.grpc="+p(7),
		"-s3.port.iceberg=0", "-s3.port.lance=0", "-s3.config="+filepath.Join(dir, "s3.json"),
		"-master.volumeSizeLimitMB=64", "-volume.max=16")
	logf, _ := os.Create(filepath.Join(dir, "weed.log"))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		tb.Fatalf("starting %s: %v", bin, err)
	}
	tb.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		logf.Close()
	})
	cfg.Endpoint = "127.0.0.1:" + p(6)
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + cfg.Endpoint + "/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "weed.log"))
			tb.Fatalf("SeaweedFS S3 did not answer on %s within 60s; log tail:\n%s", cfg.Endpoint, tail(log, 2000))
		}
		time.Sleep(200 * time.Millisecond)
	}
	return cfg
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

func freePorts(tb testing.TB, n int) []int {
	var ls []net.Listener
	var ports []int
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

//go:build !js

package main

// The cloud node's fabrik parts in `nacho serve`: signaling, the chunk and
// manifest store (on disk under --data, or in an S3-compatible store), and
// the settings peers ask for. All routes are under /api/.

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nachoos/nacho/fabrik"
	"github.com/nachoos/nacho/fabrik/chunkstore"
	"github.com/nachoos/nacho/fabrik/node"
)

// iceFlag collects repeated --ice-server values.
type iceFlag []fabrik.ICEServer

func (f *iceFlag) String() string { return fmt.Sprint(len(*f), " ICE servers") }

// Set parses URL[,URL...][|username|credential].
func (f *iceFlag) Set(v string) error {
	s, err := parseICEServer(v)
	if err != nil {
		return err
	}
	*f = append(*f, s)
	return nil
}

func parseICEServer(v string) (fabrik.ICEServer, error) {
	parts := strings.Split(v, "|")
	if len(parts) != 1 && len(parts) != 3 {
		return fabrik.ICEServer{}, fmt.Errorf("ICE server %q: want URL[,URL...] or URL|username|credential", v)
	}
	s := fabrik.ICEServer{URLs: strings.Split(parts[0], ",")}
	for _, u := range s.URLs {
		if !strings.HasPrefix(u, "stun:") && !strings.HasPrefix(u, "stuns:") && !strings.HasPrefix(u, "turn:") && !strings.HasPrefix(u, "turns:") {
			return fabrik.ICEServer{}, fmt.Errorf("ICE server URL %q: want stun:, stuns:, turn: or turns:", u)
		}
	}
	if len(parts) == 3 {
		s.Username, s.Credential = parts[1], parts[2]
	}
	return s, nil
}

var fabrikServe struct {
	s3Endpoint, s3Bucket, s3AccessKey, s3SecretKey, s3Region string
	storeToken                                               string
	maxChunk                                                 int
	ice                                                      iceFlag
}

func init() {
	serveExtensions = append(serveExtensions, &serveExtension{
		name: "fabrik",
		flags: func(fs *flag.FlagSet) {
			f := &fabrikServe
			fs.StringVar(&f.s3Endpoint, "s3-endpoint", "", "keep chunks in this S3-compatible store (host:port or http(s)://host:port) instead of under --data")
			fs.StringVar(&f.s3Bucket, "s3-bucket", "nacho", "S3 bucket for chunks and manifests")
			fs.StringVar(&f.s3AccessKey, "s3-access-key", envOr("NACHO_S3_ACCESS_KEY", "AWS_ACCESS_KEY_ID"), "S3 access key (or $NACHO_S3_ACCESS_KEY, $AWS_ACCESS_KEY_ID)")
			fs.StringVar(&f.s3SecretKey, "s3-secret-key", envOr("NACHO_S3_SECRET_KEY", "AWS_SECRET_ACCESS_KEY"), "S3 secret key (or $NACHO_S3_SECRET_KEY, $AWS_SECRET_ACCESS_KEY; keeps it off the command line)")
			fs.StringVar(&f.s3Region, "s3-region", "", "S3 region (if the store needs one)")
			fs.StringVar(&f.storeToken, "store-token", os.Getenv("NACHO_STORE_TOKEN"), "if set, uploads to the chunk store need this bearer token (or $NACHO_STORE_TOKEN)")
			fs.IntVar(&f.maxChunk, "max-chunk", fabrik.MaxChunkSize, "largest chunk the node accepts, in bytes")
			fs.Var(&f.ice, "ice-server", "STUN/TURN server peers should use: URL[,URL...] or URL|username|credential (repeatable)")
		},
		start: startFabrik,
	})
}

// envOr returns the first of the environment variables that is set.
func envOr(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

func startFabrik(ctx context.Context, env *serveEnv) (func() error, error) {
	f := &fabrikServe
	if f.maxChunk < 1 || f.maxChunk > 64<<20 {
		return nil, fmt.Errorf("--max-chunk %d out of range (1..%d)", f.maxChunk, 64<<20)
	}
	var chunks, manifests chunkstore.Store
	where := ""
	if f.s3Endpoint != "" {
		cfg := chunkstore.S3Config{Endpoint: f.s3Endpoint, Bucket: f.s3Bucket, AccessKey: f.s3AccessKey,
			SecretKey: f.s3SecretKey, Region: f.s3Region}
		cfg.Prefix = "chunks/"
		c, err := chunkstore.NewS3(ctx, cfg)
		if err != nil {
			return nil, err
		}
		cfg.Prefix = "manifests/"
		m, err := chunkstore.NewS3(ctx, cfg)
		if err != nil {
			return nil, err
		}
		chunks, manifests = c, m
		where = "s3://" + f.s3Bucket + " at " + f.s3Endpoint
	} else {
		c, err := chunkstore.NewDisk(filepath.Join(env.DataDir, "chunks"))
		if err != nil {
			return nil, err
		}
		m, err := chunkstore.NewDisk(filepath.Join(env.DataDir, "manifests"))
		if err != nil {
			return nil, err
		}
		chunks, manifests = c, m
		where = filepath.Join(env.DataDir, "chunks")
	}
	n := node.New(node.Config{Chunks: chunks, Manifests: manifests, MaxChunk: f.maxChunk, ICEServers: f.ice, Log: env.Log, PutToken: f.storeToken})
	n.Register(env.Mux)
	env.Log.Info("fabrik: node ready", "chunks", where, "signal", fabrik.PathSignal)
	return nil, nil
}

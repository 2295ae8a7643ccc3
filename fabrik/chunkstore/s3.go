//go:build !js

package chunkstore

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/nachoos/nacho/fabrik"
)

// S3Config says where an S3-compatible store is.
type S3Config struct {
	Endpoint  string // host:port, or http(s)://host:port
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string
	Prefix    string // key prefix for this store's objects ("chunks/")
}

// S3 is a Store in an S3-compatible object store (AWS S3, MinIO, Ceph RGW,
// SeaweedFS, ...). Objects are keys Prefix+hex id.
type S3 struct {
	c      *minio.Client
	bucket string
	prefix string
}

var _ Store = (*S3)(nil)

// NewS3 connects to the store and creates the bucket if it is missing.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	endpoint, secure := cfg.Endpoint, true
	if u, err := url.Parse(cfg.Endpoint); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		endpoint, secure = u.Host, u.Scheme == "https"
	} else if !strings.Contains(cfg.Endpoint, "://") {
		secure = false // a bare host:port is taken as plain HTTP, as on a loopback test server
	}
	c, err := minio.New(endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: secure,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("chunkstore: s3 %s: %w", cfg.Endpoint, err)
	}
	ok, err := c.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("chunkstore: s3 %s bucket %s: %w", cfg.Endpoint, cfg.Bucket, err)
	}
	if !ok {
		if err := c.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region}); err != nil {
			return nil, fmt.Errorf("chunkstore: s3 creating bucket %s: %w", cfg.Bucket, err)
		}
	}
	return &S3{c: c, bucket: cfg.Bucket, prefix: cfg.Prefix}, nil
}

func (s *S3) key(id fabrik.ID) string { return s.prefix + id.String() }

func notFound(err error) bool {
	code := minio.ToErrorResponse(err).Code
	return code == minio.NoSuchKey || code == "NotFound"
}

// Put implements Store.
func (s *S3) Put(ctx context.Context, id fabrik.ID, data []byte) error {
	if ok, err := s.Has(ctx, id); err == nil && ok {
		return nil
	}
	_, err := s.c.PutObject(ctx, s.bucket, s.key(id), bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: "application/octet-stream", DisableMultipart: true})
	if err != nil {
		return fmt.Errorf("chunkstore: s3 put %s: %w", id, err)
	}
	return nil
}

// Get implements Store.
func (s *S3) Get(ctx context.Context, id fabrik.ID) ([]byte, error) {
	obj, err := s.c.GetObject(ctx, s.bucket, s.key(id), minio.GetObjectOptions{})
	if err != nil {
		if notFound(err) {
			return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
		}
		return nil, fmt.Errorf("chunkstore: s3 get %s: %w", id, err)
	}
	defer obj.Close()
	b, err := io.ReadAll(obj)
	if err != nil {
		if notFound(err) {
			return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
		}
		return nil, fmt.Errorf("chunkstore: s3 get %s: %w", id, err)
	}
	return b, nil
}

// Has implements Store.
func (s *S3) Has(ctx context.Context, id fabrik.ID) (bool, error) {
	_, err := s.c.StatObject(ctx, s.bucket, s.key(id), minio.StatObjectOptions{})
	if err == nil {
		return true, nil
	}
	if notFound(err) {
		return false, nil
	}
	return false, fmt.Errorf("chunkstore: s3 stat %s: %w", id, err)
}

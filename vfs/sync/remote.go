package sync

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nachoos/nacho/fabrik"
)

// PathSync is where the node serves folder documents:
//
//	POST /api/sync/{doc}?session=S[&wait=1]
//
// The body is an automerge sync message (or empty); the answer is the
// node's next message (200) or nothing to say (204). The node keeps one
// sync state per session; with wait=1 and nothing to say it holds the
// request until the document changes or MaxWait passes (a long poll).
const PathSync = "/api/sync/"

// MaxSyncMessage bounds one sync message either way.
const MaxSyncMessage = 64 << 20

// MaxWait is the longest a node holds a waiting request.
const MaxWait = 20 * time.Second

// nodeDoc is the HTTP client of one document on the node.
type nodeDoc struct {
	base string
	doc  string
	hc   *http.Client
}

func (c *nodeDoc) exchange(ctx context.Context, session string, msg []byte, wait bool) ([]byte, error) {
	q := url.Values{"session": {session}}
	if wait {
		q.Set("wait", "1")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+PathSync+c.doc+"?"+q.Encode(), bytes.NewReader(msg))
	if err != nil {
		return nil, err
	}
	req.ContentLength = int64(len(msg))
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusNoContent:
		return nil, nil
	case http.StatusOK:
		b, err := io.ReadAll(io.LimitReader(resp.Body, MaxSyncMessage+1))
		if err != nil {
			return nil, err
		}
		if len(b) > MaxSyncMessage {
			return nil, fmt.Errorf("sync: node sent a message over %d bytes", MaxSyncMessage)
		}
		return b, nil
	}
	text, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return nil, &fabrik.HTTPError{Status: resp.StatusCode, Text: strings.TrimSpace(string(text))}
}

// ChunkRemote is where chunks go and come from: the cloud node natively
// and in the page (fabrik.NodeClient), or anything else that stores
// content-addressed chunks.
type ChunkRemote interface {
	HasChunks(ctx context.Context, ids []fabrik.ID) ([]bool, error)
	PutChunk(ctx context.Context, data []byte) (fabrik.ID, error)
	GetChunk(ctx context.Context, id fabrik.ID, limit int) ([]byte, error)
}

var _ ChunkRemote = (*fabrik.NodeClient)(nil)

package fabrik

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// HTTP paths of the cloud node (fabrik/node serves them).
const (
	PathChunks    = "/api/chunks/"    // + id: GET, HEAD, PUT
	PathHas       = "/api/chunks/has" // POST HasRequest -> HasResponse
	PathManifests = "/api/manifests/" // + id: GET, HEAD, PUT
	PathSignal    = "/api/signal"     // WebSocket signaling
	PathConfig    = "/api/fabrik"     // GET NodeConfig
)

// MaxHasBatch bounds the ids in one HasRequest.
const MaxHasBatch = 4096

// HasRequest asks the node which chunks it has.
type HasRequest struct {
	IDs []ID `json:"ids"`
}

// HasResponse answers a HasRequest: Has[i] is about IDs[i].
type HasResponse struct {
	Has []bool `json:"has"`
}

// ICEServer is a STUN or TURN server for WebRTC.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// NodeConfig is what the node tells peers about itself.
type NodeConfig struct {
	ICEServers []ICEServer `json:"iceServers"`
	MaxChunk   int         `json:"maxChunk"`
}

// NodeClient talks to the cloud node's chunk store over HTTP. It is also a
// Remote, so the node takes part in a fetch like any peer. Every chunk and
// manifest it returns has been checked against its id.
type NodeClient struct {
	base  string
	hc    *http.Client
	token string
}

var _ Remote = (*NodeClient)(nil)

// NewNodeClient returns a client for the node at base (http://host:port).
// hc may be nil for http.DefaultClient.
func NewNodeClient(base string, hc *http.Client) (*NodeClient, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("fabrik: node address %q: want http://host:port or https://host", base)
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	return &NodeClient{base: strings.TrimRight(base, "/"), hc: hc}, nil
}

// SetToken sets the bearer token sent with uploads (nacho serve
// --store-token).
func (c *NodeClient) SetToken(token string) { c.token = token }

// Name implements Remote.
func (c *NodeClient) Name() string { return "node" }

// Base returns the node's address.
func (c *NodeClient) Base() string { return c.base }

// HTTPError is a non-success answer from the node.
type HTTPError struct {
	Status int
	Text   string
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("fabrik: node answered %d: %s", e.Status, e.Text)
}

func (c *NodeClient) do(ctx context.Context, method, path string, body []byte, limit int64) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.ContentLength = int64(len(body))
		req.Header.Set("Content-Type", "application/octet-stream")
	}
	if c.token != "" && method == http.MethodPut {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return nil, fmt.Errorf("%w at node", ErrNotFound)
	}
	if resp.StatusCode/100 != 2 {
		text, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, &HTTPError{Status: resp.StatusCode, Text: strings.TrimSpace(string(text))}
	}
	if method == http.MethodHead {
		return nil, nil
	}
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("%w: node announced %d bytes, limit %d", ErrCorrupt, resp.ContentLength, limit)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: node sent more than %d bytes", ErrCorrupt, limit)
	}
	return b, nil
}

// PutChunk stores data and returns its id. The node checks the hash too.
func (c *NodeClient) PutChunk(ctx context.Context, data []byte) (ID, error) {
	id := Sum(data)
	_, err := c.do(ctx, http.MethodPut, PathChunks+id.String(), data, 0)
	return id, err
}

// GetChunk returns the chunk id, at most limit bytes long.
func (c *NodeClient) GetChunk(ctx context.Context, id ID, limit int) ([]byte, error) {
	b, err := c.do(ctx, http.MethodGet, PathChunks+id.String(), nil, int64(limit))
	if err != nil {
		return nil, err
	}
	if Sum(b) != id {
		return nil, fmt.Errorf("%w: chunk %s from node", ErrCorrupt, id)
	}
	return b, nil
}

// HasChunks asks which chunks the node has, in batches.
func (c *NodeClient) HasChunks(ctx context.Context, ids []ID) ([]bool, error) {
	out := make([]bool, 0, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), MaxHasBatch)
		body, _ := json.Marshal(HasRequest{IDs: ids[:n]})
		b, err := c.do(ctx, http.MethodPost, PathHas, body, 64+int64(n)*6)
		if err != nil {
			return nil, err
		}
		var r HasResponse
		if err := json.Unmarshal(b, &r); err != nil || len(r.Has) != n {
			return nil, fmt.Errorf("%w: node's has answer: %d answers for %d ids (%v)", ErrCorrupt, len(r.Has), n, err)
		}
		out = append(out, r.Has...)
		ids = ids[n:]
	}
	return out, nil
}

// PutManifest stores an encoded manifest and returns its id.
func (c *NodeClient) PutManifest(ctx context.Context, b []byte) (ID, error) {
	id := Sum(b)
	_, err := c.do(ctx, http.MethodPut, PathManifests+id.String(), b, 0)
	return id, err
}

// GetManifest returns the encoded manifest id, checked against id.
func (c *NodeClient) GetManifest(ctx context.Context, id ID) ([]byte, error) {
	b, err := c.do(ctx, http.MethodGet, PathManifests+id.String(), nil, MaxManifest)
	if err != nil {
		return nil, err
	}
	if Sum(b) != id {
		return nil, fmt.Errorf("%w: manifest %s from node", ErrCorrupt, id)
	}
	return b, nil
}

// Config fetches the node's settings for peers.
func (c *NodeClient) Config(ctx context.Context) (NodeConfig, error) {
	var cfg NodeConfig
	b, err := c.do(ctx, http.MethodGet, PathConfig, nil, 1<<20)
	if err != nil {
		return cfg, err
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return cfg, fmt.Errorf("fabrik: node config: %w", err)
	}
	return cfg, nil
}

// Has implements Remote.
func (c *NodeClient) Has(ctx context.Context, ids []ID) ([]bool, error) { return c.HasChunks(ctx, ids) }

// Chunk implements Remote.
func (c *NodeClient) Chunk(ctx context.Context, id ID, size int) ([]byte, error) {
	return c.GetChunk(ctx, id, size)
}

// Manifest implements Remote.
func (c *NodeClient) Manifest(ctx context.Context, id ID) ([]byte, error) {
	return c.GetManifest(ctx, id)
}

// Upload copies a manifest and every chunk of it the node lacks from src to
// the node. progress, if set, is called with the bytes sent so far.
func Upload(ctx context.Context, c *NodeClient, src Source, id ID, progress func(sent int64)) error {
	b, err := src.Manifest(id)
	if err != nil {
		return err
	}
	m, err := DecodeManifest(b)
	if err != nil {
		return err
	}
	seen := map[ID]bool{}
	var ids []ID
	for _, ref := range m.Chunks() {
		if !seen[ref.ID] {
			seen[ref.ID] = true
			ids = append(ids, ref.ID)
		}
	}
	has, err := c.HasChunks(ctx, ids)
	if err != nil {
		return err
	}
	var sent int64
	var buf []byte
	for i, cid := range ids {
		if has[i] {
			continue
		}
		data, err := src.ReadChunk(cid, buf)
		if err != nil {
			return err
		}
		buf = data
		if _, err := c.PutChunk(ctx, data); err != nil {
			return err
		}
		sent += int64(len(data))
		if progress != nil {
			progress(sent)
		}
	}
	_, err = c.PutManifest(ctx, b)
	return err
}

package chunkfs

import "container/list"

// cache keeps clean chunks by hash, least recently used out first, within
// a byte budget. Cached slices are never modified.
type cache struct {
	max   int64
	used  int64
	lru   *list.List // of *cacheEntry, front = most recent
	index map[Hash]*list.Element
}

type cacheEntry struct {
	h    Hash
	data []byte
}

func newCache(max int64) *cache {
	return &cache{max: max, lru: list.New(), index: map[Hash]*list.Element{}}
}

func (c *cache) get(h Hash) ([]byte, bool) {
	e, ok := c.index[h]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(e)
	return e.Value.(*cacheEntry).data, true
}

func (c *cache) put(h Hash, data []byte) {
	if e, ok := c.index[h]; ok {
		c.lru.MoveToFront(e)
		return
	}
	if int64(len(data)) > c.max {
		return
	}
	c.index[h] = c.lru.PushFront(&cacheEntry{h: h, data: data})
	c.used += int64(len(data))
	for c.used > c.max {
		e := c.lru.Back()
		ce := e.Value.(*cacheEntry)
		c.lru.Remove(e)
		delete(c.index, ce.h)
		c.used -= int64(len(ce.data))
	}
}

func (c *cache) drop(h Hash) {
	if e, ok := c.index[h]; ok {
		c.lru.Remove(e)
		delete(c.index, h)
		c.used -= int64(len(e.Value.(*cacheEntry).data))
	}
}

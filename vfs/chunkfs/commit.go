package chunkfs

import (
	"crypto/sha256"
	"fmt"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/internal/tree"
	"github.com/nachoos/nacho/vfs/store"
)

// storeErr turns a store failure into an error with an errno.
func storeErr(op string, err error) error {
	if vfs.ErrnoOf(err) == vfs.EIO {
		return vfs.WithErrno(vfs.EIO, fmt.Errorf("chunkfs: %s: %w", op, err))
	}
	return err
}

type flushed struct {
	fl   *file
	i    int
	h    Hash
	data []byte
}

// flushChunks writes the dirty chunks of every file to the store in one
// transaction. Nothing references them in the store yet; a later commit
// does. Preconditions: f.Mu held.
func (f *FS) flushChunks() error {
	ps, puts := f.prepareFlush(nil)
	if len(puts) > 0 {
		err := f.st.Txn(f.ctx, func(tx store.Tx) error {
			for h, data := range puts {
				tx.Put(h.Key(), data)
			}
			return nil
		})
		if err != nil {
			return storeErr("writing chunks", err)
		}
	}
	f.applyFlush(ps, puts)
	return nil
}

// prepareFlush hashes the dirty chunks of the files in only (all dirty
// files if only is nil) and returns them and the chunks the store lacks.
func (f *FS) prepareFlush(only map[*file]bool) ([]flushed, map[Hash][]byte) {
	var ps []flushed
	puts := map[Hash][]byte{}
	for fl := range f.dirtyFiles {
		if only != nil && !only[fl] {
			continue
		}
		for i := range fl.slots {
			s := &fl.slots[i]
			if s.buf == nil {
				continue
			}
			data := s.buf
			if n := fl.chunkLen(i); int64(len(data)) < n {
				data = make([]byte, n)
				copy(data, s.buf)
			}
			var h Hash
			if !allZero(data) {
				h = sha256.Sum256(data)
				if _, ok := f.stored[h]; !ok {
					puts[h] = data
				}
			}
			ps = append(ps, flushed{fl: fl, i: i, h: h, data: data})
		}
	}
	return ps, puts
}

// applyFlush turns flushed buffers into chunk references once the store
// has the chunks.
func (f *FS) applyFlush(ps []flushed, puts map[Hash][]byte) {
	for h, data := range puts {
		f.stored[h] = int64(len(data))
	}
	for _, p := range ps {
		s := &p.fl.slots[p.i]
		f.dirtyBytes -= int64(len(s.buf))
		p.fl.dirty--
		s.buf, s.hash = nil, p.h
		if !p.h.IsHole() {
			f.refs[p.h]++
			delete(f.garbage, p.h)
			f.cache.put(p.h, p.data)
		}
		if p.fl.dirty == 0 {
			delete(f.dirtyFiles, p.fl)
		}
	}
}

func allZero(b []byte) bool {
	for len(b) >= 8 {
		if b[0]|b[1]|b[2]|b[3]|b[4]|b[5]|b[6]|b[7] != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// change is one record a commit writes or deletes.
type change struct {
	n       *tree.Node
	st      *nodeState
	del     bool
	rec     []byte
	hashes  []Hash // new committed chunk list (files whose content is published)
	size    int64
	content bool // hashes/size replace the committed content
	keep    bool // the node stays dirty (content not published yet)
}

// commitLocked writes every dirty change to the store in one transaction.
// Without force, the content of files open for writing is left out (their
// last committed content stays in the store) so no crash publishes half a
// write. Preconditions: f.Mu held.
func (f *FS) commitLocked(force bool) error {
	if len(f.dirty) == 0 && len(f.garbage) == 0 {
		return nil
	}
	publish := func(n *tree.Node) bool { return force || n.Writers == 0 }
	sel := map[*file]bool{}
	for n := range f.dirty {
		if fl, ok := n.Data.(*file); ok && n.Linked && publish(n) && fl.dirty > 0 {
			sel[fl] = true
		}
	}
	// The chunks of published files go in the same transaction as the
	// records, so space freed by deletes in it is there for them.
	var ps []flushed
	var puts map[Hash][]byte
	if len(sel) > 0 {
		ps, puts = f.prepareFlush(sel)
	}
	pending := map[*file]map[int]Hash{}
	liveAdd := map[Hash]int{}
	for _, p := range ps {
		if pending[p.fl] == nil {
			pending[p.fl] = map[int]Hash{}
		}
		pending[p.fl][p.i] = p.h
		liveAdd[p.h]++
	}
	delta := map[Hash]int{}
	var changes []change
	for n := range f.dirty {
		st, _ := n.Ext.(*nodeState)
		if st == nil {
			st = &nodeState{}
			n.Ext = st
		}
		if !n.Linked {
			if st.inStore {
				changes = append(changes, change{n: n, st: st, del: true, content: true})
				for _, h := range st.committed {
					delta[h]--
				}
			} else {
				delete(f.dirty, n)
			}
			continue
		}
		c := change{n: n, st: st}
		fl, isFile := n.Data.(*file)
		switch {
		case isFile && !publish(n):
			if !st.inStore {
				continue // a new file still being written: not yet
			}
			c.keep = true
			c.rec = EncodeRecord(f.record(n, st.committed, st.size))
		case isFile:
			c.hashes, c.size, c.content = fl.hashes(), fl.size, true
			for i, h := range pending[fl] {
				c.hashes[i] = h
			}
			for _, h := range st.committed {
				delta[h]--
			}
			for _, h := range c.hashes {
				delta[h]++
			}
			c.rec = EncodeRecord(f.record(n, c.hashes, c.size))
		default:
			c.rec = EncodeRecord(f.record(n, nil, 0))
		}
		changes = append(changes, c)
	}
	// Chunks no record and no open file will reference.
	var dead []Hash
	cands := map[Hash]struct{}{}
	for h := range f.garbage {
		cands[h] = struct{}{}
	}
	for h, d := range delta {
		if d < 0 {
			cands[h] = struct{}{}
		}
	}
	for h := range cands {
		if h.IsHole() {
			continue
		}
		if f.refs[h]+delta[h]+liveAdd[h] <= 0 {
			if _, ok := f.stored[h]; ok {
				dead = append(dead, h)
			}
		}
	}
	if len(changes) == 0 && len(dead) == 0 && len(puts) == 0 {
		f.applyFlush(ps, puts)
		clear(f.garbage)
		return nil
	}
	err := f.st.Txn(f.ctx, func(tx store.Tx) error {
		for h, data := range puts {
			tx.Put(h.Key(), data)
		}
		for _, c := range changes {
			if c.del {
				tx.Delete(recordKey(c.n.Ino))
			} else {
				tx.Put(recordKey(c.n.Ino), c.rec)
			}
		}
		for _, h := range dead {
			tx.Delete(h.Key())
		}
		return nil
	})
	if err != nil {
		return storeErr("commit", err)
	}
	f.applyFlush(ps, puts)
	for h, d := range delta {
		if h.IsHole() {
			continue
		}
		if f.refs[h] += d; f.refs[h] <= 0 {
			delete(f.refs, h)
		}
	}
	for _, h := range dead {
		delete(f.stored, h)
		f.cache.drop(h)
	}
	clear(f.garbage)
	for _, c := range changes {
		if c.del {
			c.st.inStore, c.st.committed, c.st.size = false, nil, 0
		} else {
			c.st.inStore = true
			if c.content {
				c.st.committed, c.st.size = c.hashes, c.size
			}
		}
		if !c.keep {
			delete(f.dirty, c.n)
		}
	}
	if f.opts.OnCommit != nil {
		f.opts.OnCommit(f.changedAt)
	}
	return nil
}

// record describes n for the store, with the given content.
func (f *FS) record(n *tree.Node, hashes []Hash, size int64) *Record {
	r := &Record{Ino: n.Ino, Perm: n.Mode & permBits, Mtime: n.Mtime, Atime: n.Atime, Ctime: n.Ctime}
	if n.Parent != nil {
		r.Parent, r.Name = n.Parent.Ino, n.Name
	}
	switch {
	case n.IsDir():
		r.Kind = KindDir
	case n.IsLink():
		r.Kind, r.Target = KindLink, n.Target
	default:
		r.Kind = KindFile
		r.Size, r.Chunks = size, hashes
		r.ChunkSize = n.Data.(*file).cs
	}
	return r
}

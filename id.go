package orglife

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"strings"
	"time"
)

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewID returns a new random id that sorts by creation time: 48 bits of milliseconds followed by
// 72 random bits, in lower-case Crockford base32 (24 characters).
func NewID(now time.Time) string {
	var b [15]byte
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(now.UnixMilli()))
	copy(b[:6], ms[2:])
	if _, err := rand.Read(b[6:]); err != nil {
		panic("orglife: no randomness: " + err.Error())
	}
	return strings.ToLower(idEncoding.EncodeToString(b[:]))
}

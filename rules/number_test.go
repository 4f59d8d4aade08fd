package rules

import (
	"encoding/json"
	"math"
	"testing"
)

func TestNumber(t *testing.T) {
	tests := []struct {
		x    any
		want float64
		ok   bool
	}{
		{1.5, 1.5, true},
		{float32(0.5), 0.5, true},
		{3, 3, true},
		{int8(-8), -8, true},
		{int16(16), 16, true},
		{int32(-32), -32, true},
		{int64(1) << 40, 1 << 40, true},
		{uint(7), 7, true},
		{uint8(8), 8, true},
		{uint16(16), 16, true},
		{uint32(32), 32, true},
		{uint64(math.MaxUint64), math.MaxUint64, true},
		{json.Number("12.25"), 12.25, true},
		{json.Number("x"), 0, false},
		{"12", 0, false},
		{true, 0, false},
		{nil, 0, false},
	}
	for _, tt := range tests {
		if got, ok := Number(tt.x); got != tt.want || ok != tt.ok {
			t.Errorf("Number(%#v) = %v, %v; want %v, %v", tt.x, got, ok, tt.want, tt.ok)
		}
	}
}

package rules

import "encoding/json"

// Number converts a number of decoded data — JSON (float64, json.Number), YAML (int64,
// uint64 for integers past int64, float64) or Go (any integer or float type) — to float64. It
// is the one coercion of the values records carry, used by expressions' typed views and by the
// workflows' data validation alike; ok is false for anything that is not a number.
func Number(x any) (v float64, ok bool) {
	switch n := x.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int8:
		return float64(n), true
	case int16:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint:
		return float64(n), true
	case uint8:
		return float64(n), true
	case uint16:
		return float64(n), true
	case uint32:
		return float64(n), true
	case uint64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

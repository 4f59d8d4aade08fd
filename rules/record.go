package rules

import (
	"reflect"
	"sort"
	"time"
	"unsafe"

	"github.com/orglife/orglife"
)

// Record is one instance of a workflow as known at the evaluation's as_of (built by the engine).
type Record struct {
	ID, Workflow, OrgID, State string
	// Complete reports whether the state at as_of is a complete state.
	Complete bool
	// OccursOn places the record in a period: midnight in the deployment time zone; zero when
	// unknown (then the day of RecordedAt counts).
	OccursOn time.Time
	// RecordedAt is when the record last entered a complete state (zero when not complete).
	RecordedAt, CreatedAt time.Time
	// Data is normalized JSON: numbers float64 or int, dates "YYYY-MM-DD".
	Data map[string]any
}

// recordType is the typed element of a collection: the workflow's fields (a Schema) followed by
// id, state, occurs_on and recorded_at (left out when the workflow has a field of that name).
// Collections are slices of pointers to it.
type recordType struct {
	schema *Schema
	typ    reflect.Type
	// extra holds the field indexes of id, state, occurs_on and recorded_at, or -1.
	extra [4]int
}

var extraFields = [4]struct {
	name, goName string
	typ          reflect.Type
}{
	{"id", "RecID", stringType},
	{"state", "RecState", stringType},
	{"occurs_on", "RecOccursOn", timeType},
	{"recorded_at", "RecRecordedAt", timeType},
}

func newRecordType(fields []*orglife.Field) *recordType {
	rt := &recordType{schema: NewSchema(fields)}
	st := rt.schema.typ
	sf := make([]reflect.StructField, 0, st.NumField()+4)
	taken := map[string]bool{}
	for i := 0; i < st.NumField(); i++ {
		f := st.Field(i)
		sf = append(sf, reflect.StructField{Name: f.Name, Type: f.Type, Tag: f.Tag})
		taken[f.Tag.Get("expr")] = true
	}
	for k, e := range extraFields {
		rt.extra[k] = -1
		if taken[e.name] {
			continue
		}
		rt.extra[k] = len(sf)
		sf = append(sf, reflect.StructField{Name: e.goName, Type: e.typ,
			Tag: reflect.StructTag(`expr:"` + e.name + `" json:"` + e.name + `"`)})
	}
	rt.typ = reflect.StructOf(sf)
	return rt
}

// zeroSlice returns a nil slice of pointers to the record type, for compile-time environments.
func (rt *recordType) sliceType() reflect.Type { return reflect.SliceOf(reflect.PointerTo(rt.typ)) }

// collData is one collection of one org, converted once: complete records sorted by occurs_on.
type collData struct {
	ptrs []unsafe.Pointer // *record struct, same layout as the env's []*T
	occ  []time.Time      // occurs_on of each
	rec  []time.Time      // recorded_at of each
	ids  []string
	// occK and recK are occ and rec as instant keys, compared without time.Time's overhead.
	occK, recK []instKey
	// maxRec is the latest recorded_at.
	maxRec time.Time
}

// convert builds the collection of the complete records among recs.
func (rt *recordType) convert(recs []*Record, loc *time.Location) *collData {
	keep := make([]*Record, 0, len(recs))
	for _, r := range recs {
		if r != nil && r.Complete {
			keep = append(keep, r)
		}
	}
	occ := func(r *Record) time.Time {
		if !r.OccursOn.IsZero() {
			return r.OccursOn
		}
		y, m, d := r.RecordedAt.In(loc).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, loc)
	}
	sort.SliceStable(keep, func(i, j int) bool {
		a, b := occ(keep[i]), occ(keep[j])
		if !a.Equal(b) {
			return a.Before(b)
		}
		return keep[i].ID < keep[j].ID
	})
	n := len(keep)
	cd := &collData{ptrs: make([]unsafe.Pointer, n), occ: make([]time.Time, n), rec: make([]time.Time, n), ids: make([]string, n),
		occK: make([]instKey, n), recK: make([]instKey, n)}
	arr := reflect.MakeSlice(reflect.SliceOf(rt.typ), n, n)
	for i, r := range keep {
		v := arr.Index(i)
		rt.schema.fill(v, r.Data, loc)
		o := occ(r)
		for k, idx := range rt.extra {
			if idx < 0 {
				continue
			}
			switch k {
			case 0:
				v.Field(idx).SetString(r.ID)
			case 1:
				v.Field(idx).SetString(r.State)
			case 2:
				v.Field(idx).Set(reflect.ValueOf(o))
			case 3:
				v.Field(idx).Set(reflect.ValueOf(r.RecordedAt.In(loc)))
			}
		}
		cd.ptrs[i] = v.Addr().UnsafePointer()
		cd.occ[i], cd.rec[i], cd.ids[i] = o, r.RecordedAt, r.ID
		cd.occK[i], cd.recK[i] = keyOf(o), keyOf(r.RecordedAt)
		if r.RecordedAt.After(cd.maxRec) {
			cd.maxRec = r.RecordedAt
		}
	}
	return cd
}

// instKey is an instant as Unix seconds and nanoseconds: ordered like time.Time.Before for times
// without a monotonic clock reading (dates, due instants and period bounds never carry one).
type instKey struct {
	sec  int64
	nsec int64
}

func keyOf(t time.Time) instKey { return instKey{t.Unix(), int64(t.Nanosecond())} }

func (a instKey) before(b instKey) bool { return a.sec < b.sec || a.sec == b.sec && a.nsec < b.nsec }

// bounds returns the index range of the records whose occurs_on falls in [start, end).
func (cd *collData) bounds(start, end time.Time) (int, int) {
	s, e := keyOf(start), keyOf(end)
	occ := cd.occK
	lo, hi := 0, len(occ)
	for lo < hi { // first i with !occ[i].before(s)
		m := int(uint(lo+hi) >> 1)
		if occ[m].before(s) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	first := lo
	hi = len(occ)
	for lo < hi { // first i >= first with !occ[i].before(e)
		m := int(uint(lo+hi) >> 1)
		if occ[m].before(e) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return first, lo
}

// byDue returns the pointers of [lo, hi) recorded by due (strictly before the due instant, the
// start of the day after the last day that counts): the sub-slice itself when none was recorded
// later (no copy), else a filtered copy.
func (cd *collData) byDue(lo, hi int, due time.Time) []unsafe.Pointer {
	d := keyOf(due)
	for i := lo; i < hi; i++ {
		if !cd.recK[i].before(d) {
			out := make([]unsafe.Pointer, 0, hi-lo)
			for j := lo; j < hi; j++ {
				if cd.recK[j].before(d) {
					out = append(out, cd.ptrs[j])
				}
			}
			return out
		}
	}
	return cd.ptrs[lo:hi:hi]
}

package orglife

// Field types of workflow data.
const (
	TypeString   = "string"
	TypeText     = "text"
	TypeInt      = "int"
	TypeNumber   = "number"
	TypeBool     = "bool"
	TypeDate     = "date"
	TypeDatetime = "datetime"
	TypeEnum     = "enum"
	TypeList     = "list"
	TypeObject   = "object"
	// TypeMember holds a member id from the roster of the record's org: the engine refuses an id
	// that never belonged to the org, and the web forms offer the org's members to choose from.
	TypeMember = "member"
)

// Field is the schema of one field of workflow data (or of a list item or object member).
type Field struct {
	Name      string   `json:"name"`
	Type      string   `json:"type"`
	Title     string   `json:"title,omitempty"`
	Required  bool     `json:"required,omitempty"`
	Min       *float64 `json:"min,omitempty"`
	Max       *float64 `json:"max,omitempty"`
	MinLength *int     `json:"min_length,omitempty"`
	MaxLength *int     `json:"max_length,omitempty"`
	// MaxItems caps the items of a list (max_length on a list means the same, for older files).
	MaxItems *int     `json:"max_items,omitempty"`
	Values   []string `json:"values,omitempty"`
	// Labels are the titles of an enum\'s values, for people (value → 主题党日).
	Labels map[string]string `json:"labels,omitempty"`
	Items  *Field            `json:"items,omitempty"`
	Fields []*Field          `json:"fields,omitempty"`
}

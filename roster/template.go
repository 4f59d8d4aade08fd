package roster

// Column headers of the member template (花名册). 所在党组织编码, 姓名, 学工号 and 党籍状态 are
// required; the others may be left out or empty.
const (
	ColMemberOrg    = "所在党组织编码"
	ColMemberName   = "姓名"
	ColMemberID     = "学工号"
	ColMemberStatus = "党籍状态"
	ColJoinedOn     = "入党日期"
	ColFullOn       = "转正日期"
	ColRoles        = "职务"
	ColLeader       = "是否领导干部"
)

// MemberColumns are the member template's headers in template order.
var MemberColumns = []string{ColMemberOrg, ColMemberName, ColMemberID, ColMemberStatus, ColJoinedOn, ColFullOn, ColRoles, ColLeader}

// memberRequired are the member columns a file must have.
var memberRequired = []string{ColMemberOrg, ColMemberName, ColMemberID, ColMemberStatus}

// Column headers of the org template (组织名册). 党组织编码, 党组织名称 and 组织类型 are required.
const (
	ColOrgID       = "党组织编码"
	ColOrgName     = "党组织名称"
	ColOrgKind     = "组织类型"
	ColOrgParent   = "上级党组织编码"
	ColEstablished = "成立日期"
	ColTermStarted = "本届任期开始日期"
	ColTermYears   = "任期年限"
	ColBranchType  = "支部类型"
)

// OrgColumns are the org template's headers in template order.
var OrgColumns = []string{ColOrgID, ColOrgName, ColOrgKind, ColOrgParent, ColEstablished, ColTermStarted, ColTermYears, ColBranchType}

// orgRequired are the org columns a file must have.
var orgRequired = []string{ColOrgID, ColOrgName, ColOrgKind}

// statusValues maps 党籍状态 to member statuses.
var statusValues = map[string]string{"正式党员": "full", "正式": "full", "预备党员": "probationary", "预备": "probationary"}

// roleValues maps the posts of 职务 to member roles: the committee posts (组织委员, 宣传委员,
// 纪检委员 …) are committee members today.
var roleValues = map[string]string{
	"书记": "secretary", "支部书记": "secretary", "党支部书记": "secretary", "总支书记": "secretary", "党委书记": "secretary",
	"副书记": "deputy_secretary", "支部副书记": "deputy_secretary",
	"委员": "committee", "支委": "committee", "支部委员": "committee", "组织委员": "committee", "宣传委员": "committee",
	"纪检委员": "committee", "青年委员": "committee", "统战委员": "committee", "群工委员": "committee",
	"党小组长": "group_leader", "小组长": "group_leader", "组长": "group_leader",
	"党员": "", "无": "",
}

// kindValues maps 组织类型 to org kinds.
var kindValues = map[string]string{"党委": "committee", "党总支": "general_branch", "总支": "general_branch",
	"党支部": "branch", "支部": "branch", "党小组": "group", "小组": "group"}

// branchTypes maps 支部类型 to org attributes.
var branchTypes = map[string]map[string]string{
	"博士生":  {"category": "student", "level": "phd"},
	"硕士生":  {"category": "student", "level": "master"},
	"本科生":  {"category": "student", "level": "undergraduate"},
	"学生":   {"category": "student"},
	"在职教工": {"category": "teacher"},
	"教工":   {"category": "teacher"},
	"离退休":  {"category": "retired"},
	"混合":   {"category": "mixed"},
}

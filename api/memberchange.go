package api

import (
	"bytes"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

// answerMember writes the member a change returned, or the error.
func (s *server) answerMember(c *gin.Context, m *orglife.Member, err error) {
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, m)
}

func (s *server) getMember(c *gin.Context) {
	m, err := s.svc.GetMember(c.Request.Context(), actorOf(c), c.Param("id"), c.Param("member"))
	s.answerMember(c, m, err)
}

func (s *server) updateMember(c *gin.Context) {
	var p engine.MemberPatch
	if _, ok := s.bind(c, &p); !ok {
		return
	}
	m, err := s.svc.UpdateMember(c.Request.Context(), actorOf(c), c.Param("id"), c.Param("member"), p)
	s.answerMember(c, m, err)
}

func (s *server) transferMember(c *gin.Context) {
	var p engine.TransferParams
	if _, ok := s.bind(c, &p); !ok {
		return
	}
	m, err := s.svc.TransferMember(c.Request.Context(), actorOf(c), c.Param("id"), c.Param("member"), p)
	s.answerMember(c, m, err)
}

func (s *server) leaveMember(c *gin.Context) {
	var p engine.LeaveParams
	if _, ok := s.bind(c, &p); !ok {
		return
	}
	m, err := s.svc.LeaveMember(c.Request.Context(), actorOf(c), c.Param("id"), c.Param("member"), p)
	s.answerMember(c, m, err)
}

// deleteMember is a leave: the body ({on, reason}) is optional; the reason defaults to 移出.
func (s *server) deleteMember(c *gin.Context) {
	raw, ok := s.readBody(c)
	if !ok {
		return
	}
	var p engine.LeaveParams
	if len(bytes.TrimSpace(raw)) > 0 && !s.decodeJSON(c, raw, &p) {
		return
	}
	if p.Reason == "" {
		p.Reason = "移出"
	}
	m, err := s.svc.LeaveMember(c.Request.Context(), actorOf(c), c.Param("id"), c.Param("member"), p)
	s.answerMember(c, m, err)
}

// confirmRequest is the body of POST …/confirm (转正).
type confirmRequest struct {
	On *string `json:"on"`
}

func (s *server) confirmMember(c *gin.Context) {
	var p confirmRequest
	if _, ok := s.bind(c, &p); !ok {
		return
	}
	m, err := s.svc.ConfirmMember(c.Request.Context(), actorOf(c), c.Param("id"), c.Param("member"), p.On)
	s.answerMember(c, m, err)
}

func (s *server) memberRoles(c *gin.Context) {
	var p engine.RolesParams
	if _, ok := s.bind(c, &p); !ok {
		return
	}
	if p.Roles == nil {
		p.Roles = []string{}
	}
	m, err := s.svc.SetMemberRoles(c.Request.Context(), actorOf(c), c.Param("id"), c.Param("member"), p)
	s.answerMember(c, m, err)
}

func (s *server) memberHistory(c *gin.Context) {
	h, err := s.svc.MemberHistory(c.Request.Context(), actorOf(c), c.Param("id"), c.Param("member"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": h})
}

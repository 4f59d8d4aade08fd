package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife/engine"
)

// userRoutes registers the account routes (admin): create, list and change users.
func (s *server) userRoutes(g *gin.RouterGroup) {
	g.POST("/users", s.createUser)
	g.GET("/users", s.listUsers)
	g.PATCH("/users/:username", s.updateUser)
}

func (s *server) createUser(c *gin.Context) {
	var p engine.UserParams
	if _, ok := s.bind(c, &p); !ok {
		return
	}
	u, err := s.svc.CreateUser(c.Request.Context(), actorOf(c), p)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, u)
}

func (s *server) listUsers(c *gin.Context) {
	lp, ok := s.listParams(c)
	if !ok {
		return
	}
	p, err := s.svc.Users(c.Request.Context(), actorOf(c), lp)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newPage(p.Items, p.NextCursor))
}

func (s *server) updateUser(c *gin.Context) {
	var p engine.UserPatch
	if _, ok := s.bind(c, &p); !ok {
		return
	}
	u, err := s.svc.UpdateUser(c.Request.Context(), actorOf(c), c.Param("username"), p)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, u)
}

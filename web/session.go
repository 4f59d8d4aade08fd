package web

import (
	"crypto/subtle"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

// Cookie names: the session secret, and the CSRF token of the login form (before a session
// exists; double-submitted in the form).
const (
	sessionCookie   = "orglife_session"
	loginCSRFCookie = "orglife_login_csrf"
)

// Context keys of the logged-in user and session.
const (
	userKey    = "orglife.user"
	sessionKey = "orglife.session"
)

// requireSession resolves the session cookie to its user, or sends the browser to the login
// page; on POST it also checks the form's CSRF token against the session's.
func (s *server) requireSession(c *gin.Context) {
	secret, _ := c.Cookie(sessionCookie)
	u, sess, err := s.svc.SessionUser(c.Request.Context(), secret)
	if err != nil {
		if orglife.ErrorCode(err) != orglife.EUNAUTHORIZED {
			s.log.Error("session", "err", err)
		}
		c.Redirect(http.StatusSeeOther, "/login")
		c.Abort()
		return
	}
	if c.Request.Method == http.MethodPost && !sameToken(c.PostForm("csrf"), sess.CSRF) {
		s.render(c, http.StatusForbidden, "notfound", page{Title: "请求已失效", Error: "表单已过期，请刷新页面后重试"})
		c.Abort()
		return
	}
	c.Set(userKey, u)
	c.Set(sessionKey, sess)
	c.Next()
}

// userOf returns the logged-in user that requireSession stored.
func userOf(c *gin.Context) *orglife.User {
	u, _ := c.Get(userKey)
	user, _ := u.(*orglife.User)
	return user
}

// sessionOf returns the session that requireSession stored.
func sessionOf(c *gin.Context) *orglife.Session {
	v, _ := c.Get(sessionKey)
	sess, _ := v.(*orglife.Session)
	return sess
}

// actorOf is the engine actor of the logged-in user.
func actorOf(c *gin.Context) orglife.Actor { return engine.UserActor(userOf(c)) }

func sameToken(got, want string) bool {
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// setCookie sets an HttpOnly, SameSite=Lax cookie (Secure behind TLS) for the whole site;
// maxAge < 0 deletes it.
func setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: c.Request.TLS != nil})
}

package web

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife/engine"
)

// Limits of failed logins: past them, logins of that username (or from that address) wait.
const (
	loginFailuresPerUser = 5
	loginFailuresPerAddr = 20
	loginWindow          = 10 * time.Minute
	loginThrottleKeys    = 10000
)

func (s *server) loginPage(c *gin.Context) {
	token := newToken()
	setCookie(c, loginCSRFCookie, token, 3600)
	s.render(c, http.StatusOK, "login", page{Title: "登录", CSRF: token})
}

func (s *server) login(c *gin.Context) {
	username := strings.TrimSpace(c.PostForm("username"))
	again := func(status int, msg string) {
		token := newToken()
		setCookie(c, loginCSRFCookie, token, 3600)
		s.render(c, status, "login", page{Title: "登录", CSRF: token, Error: msg, Username: username})
	}
	cookie, _ := c.Cookie(loginCSRFCookie)
	if !sameToken(c.PostForm("csrf"), cookie) {
		again(http.StatusForbidden, "登录表单已过期，请重新登录")
		return
	}
	addr := c.ClientIP()
	if wait := s.throttle.wait(username, addr); wait > 0 {
		c.Header("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		again(http.StatusTooManyRequests, fmt.Sprintf("登录失败次数过多，请 %d 分钟后再试", int(wait.Minutes())+1))
		return
	}
	secret, _, err := s.svc.Login(c.Request.Context(), username, c.PostForm("password"))
	if err != nil {
		s.throttle.fail(username, addr)
		again(http.StatusUnauthorized, "用户名或密码错误")
		return
	}
	setCookie(c, loginCSRFCookie, "", -1)
	setCookie(c, sessionCookie, secret, int(engine.SessionTTL.Seconds()))
	c.Redirect(http.StatusSeeOther, "/")
}

func (s *server) logout(c *gin.Context) {
	secret, _ := c.Cookie(sessionCookie)
	if err := s.svc.Logout(c.Request.Context(), secret); err != nil {
		s.log.Error("logout", "err", err)
	}
	setCookie(c, sessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/login")
}

func newToken() string {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("web: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// loginThrottle counts failed logins per username and per address in fixed windows; its memory
// is bounded (at most loginThrottleKeys keys; expired windows are dropped when it is full).
type loginThrottle struct {
	now  func() time.Time
	mu   sync.Mutex
	keys map[string]*loginWindowCount
}

type loginWindowCount struct {
	start    time.Time
	failures int
}

func newLoginThrottle(now func() time.Time) *loginThrottle {
	return &loginThrottle{now: now, keys: map[string]*loginWindowCount{}}
}

// wait returns how long logins of username from addr must wait (0: they may try now).
func (t *loginThrottle) wait(username, addr string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var longest time.Duration
	for key, limit := range map[string]int{"u:" + username: loginFailuresPerUser, "a:" + addr: loginFailuresPerAddr} {
		w := t.keys[key]
		if w == nil || now.Sub(w.start) >= loginWindow || w.failures < limit {
			continue
		}
		longest = max(longest, w.start.Add(loginWindow).Sub(now))
	}
	return longest
}

// fail records a failed login of username from addr.
func (t *loginThrottle) fail(username, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.keys) >= loginThrottleKeys {
		for k, w := range t.keys {
			if now.Sub(w.start) >= loginWindow {
				delete(t.keys, k)
			}
		}
		for k := range t.keys { // still full: forget arbitrary keys
			if len(t.keys) < loginThrottleKeys {
				break
			}
			delete(t.keys, k)
		}
	}
	for _, key := range []string{"u:" + username, "a:" + addr} {
		w := t.keys[key]
		if w == nil || now.Sub(w.start) >= loginWindow {
			w = &loginWindowCount{start: now}
			t.keys[key] = w
		}
		w.failures++
	}
}

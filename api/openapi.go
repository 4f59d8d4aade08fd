package api

import (
	_ "embed" // the OpenAPI document
	"net/http"

	"github.com/gin-gonic/gin"
)

// openAPIDocument is the OpenAPI 3.1 description of every route of the handler (openapi.json in
// this directory). TestOpenAPIRoutes fails when a route is missing from it or it names a route
// the router does not have.
//
//go:embed openapi.json
var openAPIDocument string

// OpenAPI returns the OpenAPI 3.1 document of the API (JSON), as served at GET /v1/openapi.json.
func OpenAPI() []byte { return []byte(openAPIDocument) }

// openAPIRoutes registers GET /v1/openapi.json, served without authentication.
func (s *server) openAPIRoutes(r gin.IRoutes) {
	r.GET("/v1/openapi.json", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=300")
		c.Data(http.StatusOK, "application/json; charset=utf-8", OpenAPI())
	})
}

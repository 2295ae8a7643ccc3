//go:build !js

package main

import (
	"context"

	"github.com/nachoos/nacho/web"
)

func init() {
	serveExtensions = append(serveExtensions, &serveExtension{
		name: "page",
		start: func(ctx context.Context, env *serveEnv) (func() error, error) {
			h, err := web.NewHandler(web.Options{Missing: func(name string) {
				env.Log.Warn("the page lacks an asset; build with `make build`", "asset", name)
			}})
			if err != nil {
				return nil, err
			}
			go h.Warm()
			env.Mux.Handle("/", h)
			env.Log.Info("page", "build", h.Build())
			return nil, nil
		},
	})
}

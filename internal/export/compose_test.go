package export

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// loadCompose loads the exported compose.yaml with compose-spec/compose-go,
// the loader of docker compose: schema validation, interpolation (with an
// empty environment, so any $ left unescaped would show), normalization.
func loadCompose(t *testing.T, dir string) *types.Project {
	t.Helper()
	path := filepath.Join(dir, "compose.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	details := types.ConfigDetails{
		WorkingDir:  dir,
		ConfigFiles: []types.ConfigFile{{Filename: path, Content: data}},
		Environment: types.Mapping{},
	}
	p, err := loader.LoadWithContext(context.Background(), details)
	if err != nil {
		t.Fatalf("compose-go cannot load %s: %v\n%s", path, err, data)
	}
	return p
}

// TestComposeRoundTrip loads the export with compose-go and runs each
// service's command, after compose's interpolation, in its working_dir with
// exactly its environment, once per replica, as a container would.
func TestComposeRoundTrip(t *testing.T) {
	srv := newHelperServer(t)
	spec := trickySpec(t, srv.path)
	p := loadCompose(t, exportTo(t, "compose", spec))
	want := wantEnv(spec, true)
	for _, tt := range spec.Types {
		s, err := p.GetService(tt.Name)
		if err != nil {
			t.Fatal(err)
		}
		if s.Deploy == nil || s.Deploy.Replicas == nil || *s.Deploy.Replicas != tt.Concurrency {
			t.Errorf("%s: deploy.replicas is not %d", tt.Name, tt.Concurrency)
		}
		var env []string
		for k, v := range s.Environment {
			if v == nil {
				t.Errorf("%s: %s has no value", tt.Name, k)
				continue
			}
			env = append(env, k+"="+*v)
		}
		env = append(env, "PATH="+os.Getenv("PATH")) // the image's
		for n := range tt.Concurrency {
			cmd := runDirect(t, s.Command, env, s.WorkingDir)
			h, err := srv.accept(time.Now().Add(30 * time.Second))
			if err != nil {
				t.Fatal(err)
			}
			checkHelper(t, spec, fmt.Sprintf("%s.%d", tt.Name, n+1), h, want[fmt.Sprintf("%s.%d", tt.Name, n+1)])
			stopGroup(t, cmd, h, map[string]syscall.Signal{"SIGTERM": syscall.SIGTERM, "SIGINT": syscall.SIGINT}[s.StopSignal])
		}
	}
}

// TestComposePolicies checks how the shop fixture's policies load.
func TestComposePolicies(t *testing.T) {
	p := loadCompose(t, exportTo(t, "compose", shopSpec(t)))
	if p.Name != "shop" {
		t.Errorf("project name %q", p.Name)
	}
	web, err := p.GetService("web")
	if err != nil {
		t.Fatal(err)
	}
	worker, err := p.GetService("worker")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.GetService("clock"); err == nil {
		t.Error("clock (concurrency 0) is exported")
	}
	if len(web.Ports) != 1 || web.Ports[0].Target != 5000 || web.Ports[0].Published != "5000-5001" {
		t.Errorf("web ports %+v, want 5000-5001 -> 5000", web.Ports)
	}
	if len(worker.Ports) != 0 {
		t.Errorf("worker publishes %+v; its command does not use PORT", worker.Ports)
	}
	if web.HealthCheck == nil || len(web.HealthCheck.Test) != 4 || web.HealthCheck.Test[0] != "CMD" ||
		web.HealthCheck.StartPeriod == nil || time.Duration(*web.HealthCheck.StartPeriod) != 20*time.Second {
		t.Errorf("web healthcheck %+v", web.HealthCheck)
	}
	if d, ok := worker.DependsOn["web"]; !ok || d.Condition != types.ServiceConditionHealthy {
		t.Errorf("worker depends_on %+v, want web service_healthy", worker.DependsOn)
	}
	if worker.StopSignal != "SIGINT" || worker.StopGracePeriod == nil || time.Duration(*worker.StopGracePeriod) != 1500*time.Second {
		t.Errorf("worker stops with %s after %v", worker.StopSignal, worker.StopGracePeriod)
	}
	if web.Restart != "on-failure" || worker.Restart != "always" {
		t.Errorf("restart: web %q, worker %q", web.Restart, worker.Restart)
	}
	if web.Init == nil || !*web.Init || web.User != "deploy" || web.Image != "shop:latest" || web.WorkingDir != "/srv/shop" {
		t.Errorf("web init %v, user %q, image %q, working_dir %q", web.Init, web.User, web.Image, web.WorkingDir)
	}
}

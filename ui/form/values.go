// Package form is the connection form the TUI shows when no plan is given:
// mode, hosts and their roles, authentication, endpoint, expiry, transfer,
// and where to save the plan. Every field is checked as it is left, with
// the plan file's own rules, in the form's words; going back always works.
package form

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
)

// MaxHosts is the largest topology the form asks for (an AG of 9 replicas).
const MaxHosts = 9

// HostValues are one host's name and server as typed.
type HostValues struct{ Name, Server string }

// Values is what the form asks for. Strings, because that is what the
// operator types; BuildPlan turns them into a validated plan.
type Values struct {
	Mode     string // plan.ModeMirroring or plan.ModeAG
	Replicas string // AG: 2..9
	// Hosts: mirroring uses [0] and [1] as partners and [2] as the
	// optional witness; an AG uses the first Replicas entries.
	Hosts    [MaxHosts]HostValues
	User     string // empty: integrated authentication
	Password string // the login's password, for every host; never saved
	Encrypt  string
	Trust    bool
	Endpoint string
	Port     string
	Expiry   string // YYYY-MM-DD
	Transfer string
	SavePath string // empty: do not save
}

// Default are the documentation's names and safe defaults.
func Default(now time.Time) Values {
	v := Values{Mode: plan.ModeMirroring, Replicas: "3", User: "sa", Encrypt: plan.EncryptMandatory,
		Endpoint: plan.DefaultEndpointName, Port: strconv.Itoa(plan.DefaultEndpointPort),
		Expiry: now.AddDate(3, 0, 0).Format("2006-01-02"), Transfer: plan.TransferInband,
		// A real value, not a placeholder: every other field shows its
		// default the same way.
		SavePath: "mirrorcert.yaml"}
	v.Hosts[0].Name, v.Hosts[1].Name, v.Hosts[2].Name = "HOST_A", "HOST_B", "HOST_W"
	for i := 3; i < MaxHosts; i++ {
		v.Hosts[i].Name = fmt.Sprintf("HOST_%d", i+1)
	}
	return v
}

// replicas is the AG's replica count, or 0 when it is not a number.
func (v *Values) replicas() int {
	n, err := strconv.Atoi(strings.TrimSpace(v.Replicas))
	if err != nil {
		return 0
	}
	return n
}

// hostCount is how many host slots the form shows.
func (v *Values) hostCount() int {
	if v.Mode == plan.ModeAG {
		return min(max(v.replicas(), 2), MaxHosts)
	}
	return 3
}

// hostLabel names host slot i in the form's words.
func (v *Values) hostLabel(i int) string {
	if v.Mode == plan.ModeAG {
		return fmt.Sprintf("Replica %d", i+1)
	}
	return [...]string{"First partner", "Second partner", "Witness"}[min(i, 2)]
}

// CheckSavePath refuses a path that already exists, so the form never
// replaces a plan the operator wrote before. Empty means "do not save".
func CheckSavePath(path string) error {
	path = strings.TrimSpace(path)
	if path == "" {
		return nil
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s already exists: choose another name, or clear the field to skip saving", path)
	}
	return nil
}

// BuildPlan turns the values into a plan and validates it as a plan file
// would be. A *plan.Error lists the problems by field path.
func BuildPlan(v Values, now time.Time) (*plan.Plan, error) {
	var bad []plan.Problem
	port, err := strconv.Atoi(strings.TrimSpace(v.Port))
	if err != nil {
		bad = append(bad, plan.Problem{Field: "endpoint.port", Msg: fmt.Sprintf("%q is not a number: type a port such as 7024", v.Port)})
	}
	expiry, err := time.Parse("2006-01-02", strings.TrimSpace(v.Expiry))
	if err != nil {
		bad = append(bad, plan.Problem{Field: "certificate.expiry", Msg: fmt.Sprintf("%q: type a date as YYYY-MM-DD, e.g. %s", v.Expiry, now.AddDate(3, 0, 0).Format("2006-01-02"))})
	}
	if v.Mode == plan.ModeAG {
		if n := v.replicas(); n < 2 || n > MaxHosts {
			bad = append(bad, plan.Problem{Field: "replicas", Msg: fmt.Sprintf("%q: an availability group has 2 to %d replicas", v.Replicas, MaxHosts)})
		}
	}
	user := strings.TrimSpace(v.User)
	p := &plan.Plan{
		Mode:        v.Mode,
		Auth:        plan.Auth{User: user, Integrated: user == "", Encrypt: v.Encrypt, TrustServerCertificate: v.Trust},
		Endpoint:    plan.Endpoint{Name: strings.TrimSpace(v.Endpoint), Port: port},
		Certificate: plan.Certificate{Expiry: expiry},
		Transfer:    v.Transfer,
	}
	for i := 0; i < v.hostCount(); i++ {
		h := v.Hosts[i]
		role := plan.RoleReplica
		if v.Mode != plan.ModeAG {
			role = plan.RolePartner
			if i == 2 {
				if strings.TrimSpace(h.Name) == "" && strings.TrimSpace(h.Server) == "" {
					continue // no witness
				}
				role = plan.RoleWitness
			}
		}
		p.Hosts = append(p.Hosts, plan.Host{Name: strings.TrimSpace(h.Name), Server: strings.TrimSpace(h.Server), Role: role})
	}
	err = plan.Validate(p, now)
	var pe *plan.Error
	if errors.As(err, &pe) {
		bad = append(bad, pe.Problems...)
	} else if err != nil {
		bad = append(bad, plan.Problem{Msg: err.Error()})
	}
	if len(bad) > 0 {
		return nil, &plan.Error{Problems: bad}
	}
	return p, nil
}

package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"charm.land/huh/v2"

	"github.com/mirrorcert/mirrorcert/plan"
)

// ErrFormAborted is returned when the operator leaves the connection form.
var ErrFormAborted = errors.New("form aborted")

// FormValues is what the connection form asks for. Strings, because that is
// what the operator types; BuildPlan turns them into a validated plan.
type FormValues struct {
	PartnerA, ServerA string
	PartnerB, ServerB string
	Witness, ServerW  string // both empty: no witness
	User              string // empty: integrated authentication
	Encrypt           string
	Trust             bool
	EndpointName      string
	Port              string
	Expiry            string // YYYY-MM-DD
	Transfer          string
	SavePath          string // empty: do not save
}

// DefaultFormValues are the documentation's names and safe defaults.
func DefaultFormValues(now time.Time) FormValues {
	return FormValues{
		PartnerA: "HOST_A", PartnerB: "HOST_B", Witness: "HOST_W",
		User: "sa", Encrypt: plan.EncryptMandatory, EndpointName: "Endpoint_Mirroring", Port: "7024",
		Expiry: now.AddDate(3, 0, 0).Format("2006-01-02"), Transfer: plan.TransferInband,
		// A real value, not a placeholder: every other field shows its default
		// the same way, so a greyed hint here read as "will be saved" and wasn't.
		SavePath: "mirrorcert.yaml",
	}
}

// checkSavePath refuses a path that already exists, so the form never
// replaces a plan the operator wrote before. Empty means "do not save".
func checkSavePath(path string) error {
	path = strings.TrimSpace(path)
	if path == "" {
		return nil
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s already exists: choose another name, or clear the field to skip saving", path)
	}
	return nil
}

// BuildPlan turns form values into a plan and validates it as a plan file
// would be. Errors name the form field in the plan's terms.
func BuildPlan(v FormValues, now time.Time) (*plan.Plan, error) {
	port, err := strconv.Atoi(strings.TrimSpace(v.Port))
	if err != nil {
		return nil, fmt.Errorf("endpoint port %q: type a number such as 7024", v.Port)
	}
	expiry, err := time.Parse("2006-01-02", strings.TrimSpace(v.Expiry))
	if err != nil {
		return nil, fmt.Errorf("certificate expiry %q: type a date as YYYY-MM-DD, e.g. %s", v.Expiry, now.AddDate(3, 0, 0).Format("2006-01-02"))
	}
	p := &plan.Plan{
		Mode: plan.ModeMirroring,
		Auth: plan.Auth{User: strings.TrimSpace(v.User), Integrated: strings.TrimSpace(v.User) == "",
			Encrypt: v.Encrypt, TrustServerCertificate: v.Trust},
		Endpoint:    plan.Endpoint{Name: strings.TrimSpace(v.EndpointName), Port: port},
		Certificate: plan.Certificate{Expiry: expiry},
		Transfer:    v.Transfer,
	}
	add := func(name, server, role string) {
		p.Hosts = append(p.Hosts, plan.Host{Name: strings.TrimSpace(name), Server: strings.TrimSpace(server), Role: role})
	}
	add(v.PartnerA, v.ServerA, plan.RolePartner)
	add(v.PartnerB, v.ServerB, plan.RolePartner)
	if strings.TrimSpace(v.Witness) != "" || strings.TrimSpace(v.ServerW) != "" {
		add(v.Witness, v.ServerW, plan.RoleWitness)
	}
	if err := plan.Validate(p, now); err != nil {
		return nil, err
	}
	return p, nil
}

func required(what string) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("%s is required", what)
		}
		return nil
	}
}

func serverField(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("server is required: host[\\instance][,port], as for sqlcmd -S")
	}
	_, err := plan.ParseServer(strings.TrimSpace(s))
	return err
}

// NewPlanForm builds the huh form that fills v. The last question validates
// the whole plan, so the form cannot finish with a plan that would not load.
func NewPlanForm(v *FormValues, now time.Time) *huh.Form {
	host := func(title string, name, server *string, optional bool) *huh.Group {
		nameCheck, serverCheck := required("host name"), serverField
		if optional {
			nameCheck = func(string) error { return nil }
			serverCheck = func(s string) error {
				if strings.TrimSpace(s) == "" {
					return nil
				}
				return serverField(s)
			}
		}
		return huh.NewGroup(
			huh.NewInput().Title(title+": name").Description("Used in object names: NAME_cert, NAME_login, NAME_user").Value(name).Validate(nameCheck),
			huh.NewInput().Title(title+": server").Description("host[\\instance][,port], as for sqlcmd -S").Value(server).Validate(serverCheck),
		)
	}
	return huh.NewForm(
		host("First partner", &v.PartnerA, &v.ServerA, false),
		host("Second partner", &v.PartnerB, &v.ServerB, false),
		host("Witness (leave both empty for none)", &v.Witness, &v.ServerW, true),
		huh.NewGroup(
			huh.NewInput().Title("SQL login").Description("Empty for integrated (Windows) authentication. Passwords come from MIRRORCERT_PASSWORD_<HOST> or SQLCMDPASSWORD, or are asked next.").Value(&v.User),
			huh.NewSelect[string]().Title("Connection encryption").Options(huh.NewOptions(plan.EncryptMandatory, plan.EncryptStrict, plan.EncryptOptional, plan.EncryptDisable)...).Value(&v.Encrypt),
			huh.NewConfirm().Title("Trust the servers' TLS certificates without validation?").Description("Only for servers you verified another way (e.g. the simulator).").Value(&v.Trust),
		),
		huh.NewGroup(
			huh.NewInput().Title("Endpoint name").Value(&v.EndpointName).Validate(required("endpoint name")),
			huh.NewInput().Title("Endpoint port").Value(&v.Port).Validate(func(s string) error {
				if _, err := strconv.Atoi(strings.TrimSpace(s)); err != nil {
					return errors.New("type a port number such as 7024")
				}
				return nil
			}),
			huh.NewInput().Title("Certificate expiry (UTC, YYYY-MM-DD)").Value(&v.Expiry).Validate(func(s string) error {
				if _, err := time.Parse("2006-01-02", strings.TrimSpace(s)); err != nil {
					return errors.New("type a date as YYYY-MM-DD")
				}
				return nil
			}),
			huh.NewSelect[string]().Title("Certificate transfer").Options(
				huh.NewOption("in-band: read the certificate from one server, create it on the others (SQL Server 2012+)", plan.TransferInband),
				huh.NewOption("file: BACKUP CERTIFICATE, you copy the file, CREATE ... FROM FILE", plan.TransferFile),
			).Value(&v.Transfer),
		),
		huh.NewGroup(
			huh.NewInput().Title("Save the plan as (clear it to not save)").Value(&v.SavePath).Validate(func(path string) error {
				if _, err := BuildPlan(*v, now); err != nil {
					return err
				}
				return checkSavePath(path)
			}),
		),
	)
}

// RunPlanForm asks for the plan on the terminal, saves it when asked, and
// returns it validated.
func RunPlanForm(ctx context.Context, now time.Time) (*plan.Plan, error) {
	v := DefaultFormValues(now)
	if ctx == nil {
		ctx = context.Background()
	}
	if err := NewPlanForm(&v, now).RunWithContext(ctx); err != nil {
		if errors.Is(err, huh.ErrUserAborted) {
			return nil, ErrFormAborted
		}
		return nil, fmt.Errorf("connection form: %w", err)
	}
	p, err := BuildPlan(v, now)
	if err != nil {
		return nil, err
	}
	if path := strings.TrimSpace(v.SavePath); path != "" {
		if err := checkSavePath(path); err != nil {
			return nil, err
		}
		if err := p.Save(path); err != nil {
			return nil, err
		}
		p.Path = path
	}
	return p, nil
}

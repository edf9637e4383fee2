package session

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"strings"
	"time"

	mssql "github.com/microsoft/go-mssqldb"

	"github.com/mirrorcert/mirrorcert/expiry"
	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// Target is one instance read outside a plan's session (by `expiry`): a
// sqlcmd -S form and the connection settings for it. Name labels it in
// errors and in the password source; it need not be a plan host's name.
type Target struct {
	Name   string
	Server string
	Auth   plan.Auth
}

// queryOnce connects to t, sends one batch, and disconnects: one login and
// one round trip. The password, when needed, comes from password(t.Name) and
// is masked in every error returned.
func queryOnce(ctx context.Context, t Target, password func(name string) (string, error), text string) (*batchResult, error) {
	res, red, err := sendOnce(ctx, t, password, text)
	if err != nil {
		return nil, err
	}
	if len(res.Errors) > 0 {
		e := res.Errors[0]
		return nil, red.RedactError(fmt.Errorf("%s (%s): Msg %d, Level %d, State %d: %s", t.Name, t.Server, e.Number, e.Class, e.State, e.Message))
	}
	return res, nil
}

// sendOnce is queryOnce leaving the server's errors in the result, for a
// caller that explains some of them itself; red masks the password.
func sendOnce(ctx context.Context, t Target, password func(name string) (string, error), text string) (*batchResult, *Redactor, error) {
	h := plan.Host{Name: t.Name, Server: t.Server, Auth: t.Auth}
	red := NewRedactor()
	pw := ""
	if needsPassword(h) {
		if password == nil {
			return nil, nil, fmt.Errorf("%s: no password source", t.Name)
		}
		var err error
		if pw, err = password(t.Name); err != nil {
			return nil, nil, err
		}
		red.Add(pw)
	}
	cfg, err := buildConfig(h, pw)
	if err != nil {
		return nil, nil, red.RedactError(err)
	}
	connector := mssql.NewConnectorConfig(cfg)
	wd := &watchDialer{d: net.Dialer{KeepAlive: 30 * time.Second}}
	connector.Dialer = wd
	db := sql.OpenDB(connector)
	defer db.Close()
	db.SetMaxOpenConns(1)
	cctx := ctx
	if t.Auth.LoginTimeoutSeconds > 0 {
		var cancel context.CancelFunc
		cctx, cancel = context.WithTimeout(ctx, time.Duration(t.Auth.LoginTimeoutSeconds)*time.Second)
		defer cancel()
	}
	conn, err := wd.logIn(cctx, db)
	if err != nil {
		return nil, nil, red.RedactError(explainConnectError(h, red.RedactServerError(err)))
	}
	defer conn.Close()
	res := runBatch(ctx, conn, text, wd.deadCh())
	red.scrubBatch(res) // a server may echo part of the password
	if res.Transport != nil {
		return nil, nil, red.RedactError(fmt.Errorf("%s (%s): %w", t.Name, t.Server, res.Transport))
	}
	return res, red, nil
}

// ReadCertificates reads the endpoint and peer certificates of one instance
// in one round trip. A failure is returned in the Instance's Err, so a list
// of instances reads the same whether or not each answered.
func ReadCertificates(ctx context.Context, t Target, password func(name string) (string, error)) expiry.Instance {
	in := expiry.Instance{Server: t.Server, Host: t.Name}
	res, err := queryOnce(ctx, t, password, tsql.ExpiryQuery())
	if err != nil {
		in.Err = err
		return in
	}
	if len(res.Sets) != tsql.ExpirySetCount {
		in.Err = fmt.Errorf("%s (%s): the certificate read returned %d result sets, expected %d", t.Name, t.Server, len(res.Sets), tsql.ExpirySetCount)
		return in
	}
	if rows := res.Sets[tsql.ExpirySetServer].Rows; len(rows) > 0 {
		if n := str(col(rows[0], 0)); n != "" {
			in.Host = n
		}
	}
	for _, r := range res.Sets[tsql.ExpirySetCertificates].Rows {
		in.Certs = append(in.Certs, expiry.Certificate{
			Name:             str(col(r, 0)),
			ID:               int(num(col(r, 1))),
			Owner:            str(col(r, 2)),
			OwnerLogin:       str(col(r, 3)),
			PvtKeyEncryption: strings.TrimSpace(str(col(r, 4))),
			Expiry:           tm(col(r, 5)),
			Thumbprint:       bin(col(r, 6)),
		})
	}
	for _, r := range res.Sets[tsql.ExpirySetEndpoints].Rows {
		in.EndpointCerts = append(in.EndpointCerts, int(num(col(r, 1))))
	}
	return in
}

// ReadRegisteredServers reads a Central Management Server's shared
// registered servers (msdb's sysmanagement_shared_* views), with each
// server's group path.
func ReadRegisteredServers(ctx context.Context, t Target, password func(name string) (string, error)) ([]expiry.RegisteredServer, error) {
	res, err := queryOnce(ctx, t, password, tsql.RegisteredServersQuery())
	if err != nil {
		return nil, fmt.Errorf("central management server: %w", err)
	}
	if len(res.Sets) != tsql.CMSSetCount {
		return nil, fmt.Errorf("central management server %s: read returned %d result sets, expected %d", t.Server, len(res.Sets), tsql.CMSSetCount)
	}
	type group struct {
		name   string
		parent int64
		hasPar bool
	}
	groups := map[int64]group{}
	for _, r := range res.Sets[tsql.CMSSetGroups].Rows {
		groups[num(col(r, 0))] = group{name: str(col(r, 1)), parent: num(col(r, 2)), hasPar: col(r, 2) != nil}
	}
	path := func(id int64) string {
		var parts []string
		for depth := 0; depth < 64; depth++ { // a cycle in a damaged msdb must not hang us
			g, ok := groups[id]
			if !ok || !g.hasPar {
				break // the root group (DatabaseEngineServerGroup) is not part of the path
			}
			parts = append([]string{g.name}, parts...)
			id = g.parent
		}
		return strings.Join(parts, "/")
	}
	var out []expiry.RegisteredServer
	for _, r := range res.Sets[tsql.CMSSetServers].Rows {
		out = append(out, expiry.RegisteredServer{Group: path(num(col(r, 0))), Name: str(col(r, 1)), Server: str(col(r, 2))})
	}
	return out, nil
}

package scaleout

// Needs lists, for each step, the steps (on any machine) that must be done
// before it: the previous step of its own script, and the hand-overs
// between machines (a worker trusts the master's .cer once the master's
// script made it; the master trusts a worker's .cer once the worker's
// script made it; a worker restarts with its new certificate only once the
// master trusts it). Keys and values are step IDs.
func (p *Plan) Needs() map[string][]string {
	needs := map[string][]string{}
	var masterLast string
	scripts := p.Scripts()
	for _, st := range scripts[0].Steps {
		if st.ID == "master/restart-service" {
			masterLast = st.ID
		}
	}
	for _, s := range scripts {
		for i, st := range s.Steps {
			if i > 0 {
				needs[st.ID] = append(needs[st.ID], s.Steps[i-1].ID)
			}
		}
	}
	for _, w := range p.Workers {
		id := func(step string) string { return "worker/" + w.Name + "/" + step }
		if masterLast != "" {
			needs[id("trust-master")] = append(needs[id("trust-master")], masterLast)
		}
		if p.Change != ChangeMaster {
			trust := "master/trust-worker/" + w.Name
			needs[trust] = append(needs[trust], id("config-worker-thumbprint"))
			needs[id("master-trusts-worker")] = append(needs[id("master-trusts-worker")], trust)
		}
	}
	return needs
}

// Prefix is s with only its first n steps: the script the TUI runs for
// step n. The steps before it check themselves and are skipped when done,
// and they set the values (the new thumbprint) that step n needs.
func (s Script) Prefix(n int) Script {
	out := s
	out.Steps = append([]Step(nil), s.Steps[:min(n, len(s.Steps))]...)
	return out
}

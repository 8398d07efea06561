package cli

func (m *Main) preflight(plan *runPlan) error { return nil }

package webnodes

// SetRenderer makes every node render its user data with f, as a change to
// RenderUserData would, until restore is called. Tests that call it must
// not run in parallel.
func SetRenderer(f func(UserData) (string, error)) (restore func()) {
	old := render
	render = f
	return func() { render = old }
}

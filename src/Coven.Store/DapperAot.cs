// Dapper's calls in this assembly are generated at build time (interceptors) instead of emitted at run time
// (Reflection.Emit), so covend can be NativeAOT; column names match properties case- and underscore-insensitively.
[module: Dapper.DapperAot]

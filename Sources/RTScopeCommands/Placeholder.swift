public enum RTScopeCommandsPlaceholder {}

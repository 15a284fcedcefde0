// The simulator's `JSON` moved to RealtimeRecording (the one decoded-JSON tree type); re-exported so code that imports
// RealtimeSimulation keeps seeing it without importing RealtimeRecording.
@_exported public import enum RealtimeRecording.JSON

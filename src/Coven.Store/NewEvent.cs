namespace Coven.Store;

/// <summary>An event to append: its kind and its payload as a JSON document.</summary>
public readonly record struct NewEvent(string Kind, string PayloadJson);

namespace OrchestrationMaint.Core;

/// <summary>Something that says when it has changed; the subscriber reads what it needs itself.</summary>
public interface IChangeSource
{
    /// <summary>Calls <paramref name="onChange"/> on a background thread after each change; dispose to stop.</summary>
    IDisposable Subscribe(Action onChange);
}

// Each test app is a whole host (Kestrel, hosted services, a demo target); two cores run them best one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

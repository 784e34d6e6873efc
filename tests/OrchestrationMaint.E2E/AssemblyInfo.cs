// One browser and one app host at a time: the machine has two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

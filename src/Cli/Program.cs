Console.WriteLine("kubectl-kaito");

module github.com/async-task-manager/clients/go

go 1.19
